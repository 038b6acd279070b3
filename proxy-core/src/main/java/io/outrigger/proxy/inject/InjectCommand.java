package io.outrigger.proxy.inject;

import io.outrigger.proxy.server.ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code outrigger inject -f deployment.yaml}: prints the manifests with Outrigger's sidecar
 * injected, like {@code istioctl kube-inject}. Exit 0, or 1 with one line naming the file, the
 * resource and the annotation at fault.
 */
@Command(name = "inject", mixinStandardHelpOptions = true,
        description = {"Add Outrigger's init container, sidecar and volumes to Kubernetes workloads "
                + "(Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), like istioctl kube-inject.",
                "Per-pod overrides use Istio's annotations (traffic.sidecar.istio.io/excludeOutboundPorts, ...).",
                "Injecting an injected manifest changes nothing."})
public final class InjectCommand implements Callable<Integer> {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
            description = "Manifests to inject (multi-document YAML); - reads standard input.")
    private String input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write here instead of standard output.")
    private Path output;

    @Option(names = "--k8s-version", paramLabel = "VERSION", defaultValue = "1.29",
            description = "The cluster's Kubernetes version: from 1.29 the proxy is a native sidecar "
                    + "(initContainers, restartPolicy: Always), before it a container held by a postStart hook "
                    + "(default: ${DEFAULT-VALUE}).")
    private String k8sVersion;

    @Option(names = "--proxy-image", paramLabel = "IMAGE",
            description = "Sidecar image (default: outrigger/proxy:VERSION).")
    private String proxyImage;

    @Option(names = "--init-image", paramLabel = "IMAGE",
            description = "Init container image (default: outrigger/init:VERSION).")
    private String initImage;

    @Option(names = "--bootstrap-configmap", paramLabel = "NAME", defaultValue = "outrigger-bootstrap",
            description = "ConfigMap in the pod's namespace holding bootstrap.yaml (default: ${DEFAULT-VALUE}).")
    private String bootstrapConfigMap;

    @Option(names = "--health-path", paramLabel = "PATH", defaultValue = "/healthz/ready",
            description = "Path of the readiness/startup probes and the postStart wait on port 15021 "
                    + "(default: ${DEFAULT-VALUE}, Istio's; /ready with a bootstrap that forwards 15021 to the admin server).")
    private String healthPath;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String tag = ProxyServer.version();
        try {
            InjectOptions options = new InjectOptions(KubernetesVersion.parse(k8sVersion),
                    proxyImage != null ? proxyImage : "outrigger/proxy:" + tag,
                    initImage != null ? initImage : "outrigger/init:" + tag, bootstrapConfigMap, healthPath);
            String source = input.equals("-") ? "stdin" : input;
            String yaml = input.equals("-") ? readStdin() : Files.readString(Path.of(input), StandardCharsets.UTF_8);
            String injected = new SidecarInjector(options).inject(yaml, source);
            if (output != null) {
                Files.writeString(output, injected, StandardCharsets.UTF_8);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.print(injected);
                out.flush();
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("outrigger inject: " + e.getMessage());
        } catch (IOException e) {
            err.println("outrigger inject: " + e);
        }
        err.flush();
        return 1;
    }

    private static String readStdin() throws IOException {
        InputStream in = System.in;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
