package io.outrigger.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's admin endpoints that Outrigger serves. Runs on the admin thread only. Endpoints that
 * change state require POST, as Envoy's do.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TEXT = "text/plain; charset=UTF-8";
    private static final String JSON_TYPE = "application/json";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=UTF-8";

    private final AdminView view;

    AdminHandler(AdminView view) {
        this.view = Objects.requireNonNull(view, "view");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse res;
        try {
            res = handle(ctx, req);
        } catch (JsonProcessingException | RuntimeException e) {
            // An admin bug must show up as an error to the operator, not as a dropped connection.
            res = response(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, TEXT, e + "\n");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse handle(ChannelHandlerContext ctx, FullHttpRequest req) throws JsonProcessingException {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        boolean post = req.method().equals(HttpMethod.POST);
        return switch (path) {
            case "/ready" -> {
                String state = view.state();
                yield response(ctx, "LIVE".equals(state) ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        TEXT, state + "\n");
            }
            case "/server_info" -> response(ctx, HttpResponseStatus.OK, JSON_TYPE,
                    JSON.writeValueAsString(view.serverInfo()) + "\n");
            case "/config_dump" -> response(ctx, HttpResponseStatus.OK, JSON_TYPE, view.configDump());
            case "/clusters" -> "json".equals(first(uri, "format"))
                    ? response(ctx, HttpResponseStatus.OK, JSON_TYPE,
                            JSON.writeValueAsString(ClustersFormat.json(view.clusters())) + "\n")
                    : response(ctx, HttpResponseStatus.OK, TEXT, ClustersFormat.text(view.clusters()));
            case "/stats/prometheus" -> response(ctx, HttpResponseStatus.OK, PROMETHEUS, view.stats().scrape());
            case "/stats" -> response(ctx, HttpResponseStatus.OK, TEXT, view.stats().text());
            case "/drain_listeners" -> {
                if (!post) {
                    yield postRequired(ctx);
                }
                view.drainListeners();
                yield response(ctx, HttpResponseStatus.OK, TEXT, "OK\n");
            }
            case "/quitquitquit" -> {
                if (!post) {
                    yield postRequired(ctx);
                }
                view.quit();
                yield response(ctx, HttpResponseStatus.OK, TEXT, "OK\n");
            }
            case "/", "/help" -> response(ctx, HttpResponseStatus.OK, TEXT, HELP);
            default -> response(ctx, HttpResponseStatus.NOT_FOUND, TEXT, "invalid path. admin commands are:\n" + HELP);
        };
    }

    private static final String HELP = """
              /clusters: upstream cluster status (?format=json)
              /config_dump: dump current Envoy configs
              /drain_listeners (POST): stop accepting new connections
              /quitquitquit (POST): drain and exit the server
              /ready: print server state, return 200 if LIVE, otherwise return 503
              /server_info: print server version/status information
              /stats: print server stats
              /stats/prometheus: print server stats in prometheus format
            """;

    private static String first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static FullHttpResponse postRequired(ChannelHandlerContext ctx) {
        return response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "This endpoint requires POST\n");
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, String type,
                                             String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return res;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
