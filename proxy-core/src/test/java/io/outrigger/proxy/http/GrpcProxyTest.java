package io.outrigger.proxy.http;

import static io.outrigger.proxy.http.HttpProxies.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.outrigger.proxy.server.ProxyServer;
import io.outrigger.xds.snapshot.RouteActionSpec;
import io.outrigger.xds.snapshot.UpstreamHttpSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * grpc-java client and server through the proxy: HTTP/2 prior knowledge downstream (codec AUTO),
 * HTTP/2 upstream (the cluster's explicit HTTP/2 protocol option). Trailers, status passthrough,
 * server streaming and deadlines.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcProxyTest {
    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> UNARY = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Say")
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    private static final MethodDescriptor<String, String> STREAM = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("test.Echo/Count")
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    private static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);

    private static Server server;
    private static ProxyServer proxy;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        ServerServiceDefinition service = ServerServiceDefinition.builder("test.Echo")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, obs) -> {
                    if (req.startsWith("sleep ")) {
                        HttpResilienceTest.sleep(Long.parseLong(req.substring(6)));
                    }
                    if (req.equals("missing")) {
                        Metadata t = new Metadata();
                        t.put(TRAILER, "gone");
                        obs.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException(t));
                        return;
                    }
                    obs.onNext("hello " + req);
                    obs.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((req, obs) -> {
                    int n = Integer.parseInt(req);
                    for (int i = 0; i < n; i++) {
                        obs.onNext("item " + i);
                    }
                    obs.onCompleted();
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(io.grpc.ServerInterceptors.intercept(service, new io.grpc.ServerInterceptor() {
                    @Override
                    public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                             io.grpc.ServerCallHandler<Q, R> next) {
                        return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                            @Override
                            public void close(Status status, Metadata trailers) {
                                trailers.put(TRAILER, "t-" + call.getMethodDescriptor().getBareMethodName());
                                super.close(status, trailers);
                            }
                        }, headers);
                    }
                })).build().start();
        RouteActionSpec.Forward toGrpc = new RouteActionSpec.Forward(RouteActionSpec.Forward.cluster("grpc").clusters(), null,
                null, null, Duration.ZERO, null, null, Duration.ZERO);
        proxy = HttpProxies.start(HttpProxies.hcm(toGrpc, List.of()),
                cluster("grpc", server.getPort()).withHttp(UpstreamHttpSpec.DEFAULTS.withProtocol(UpstreamHttpSpec.Protocol.HTTP2)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.listenerAddress("http").getPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        proxy.close();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void unaryCallCarriesResponseAndTrailers() {
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        String reply = ClientCalls.blockingUnaryCall(io.grpc.ClientInterceptors.intercept(channel,
                MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers)), UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "world");
        assertThat(reply).isEqualTo("hello world");
        assertThat(trailers.get().get(TRAILER)).isEqualTo("t-Say");
        assertThat(proxy.stats().value("http.ingress.downstream_cx_http2_total")).isPositive();
    }

    @Test
    void errorStatusMessageAndTrailersPassThrough() {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "missing"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("no such thing");
                    assertThat(e.getTrailers().get(TRAILER)).isEqualTo("t-Say");
                });
    }

    @Test
    void serverStreamingDeliversEveryMessageThenTrailers() {
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, STREAM,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "500");
        List<String> items = new ArrayList<>();
        it.forEachRemaining(items::add);
        assertThat(items).hasSize(500);
        assertThat(items.getFirst()).isEqualTo("item 0");
        assertThat(items.getLast()).isEqualTo("item 499");
    }

    @Test
    void deadlineIsEnforcedThroughTheProxyFromGrpcTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), "sleep 3000"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
        // The proxy honours grpc-timeout (route max_stream_duration.grpc_timeout_header_max: 0s): its
        // own route timer fires too, so the upstream stream is cancelled rather than left running.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> proxy.stats().value("cluster.grpc.upstream_rq_timeout") >= 1
                        || proxy.stats().value("http.ingress.downstream_rq_active") == 0);
    }

    @Test
    void manyConcurrentCallsMultiplexOverOneUpstreamConnectionPerLoop() throws Exception {
        List<com.google.common.util.concurrent.ListenableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(ClientCalls.futureUnaryCall(channel.newCall(UNARY, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)), "n" + i));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("hello n" + i);
        }
        // Two event loops in the test proxy: at most one HTTP/2 connection per loop to the one host.
        assertThat(proxy.stats().value("cluster.grpc.upstream_cx_total")).isLessThanOrEqualTo(2);
    }
}
