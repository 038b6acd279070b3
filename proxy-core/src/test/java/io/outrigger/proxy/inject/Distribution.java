package io.outrigger.proxy.inject;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Outrigger's distribution as the image and the VM install hold it ({@code outrigger.jar},
 * {@code lib/}, {@code iptables-init.jar}, {@code jvm.options}), assembled from this build's
 * classes: the tests run in Maven's test phase, before {@code package} writes the jars.
 * {@code target/lib} is written by the dependency plugin before the tests (proxy-core's pom).
 */
final class Distribution {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path REPO = MODULE.getParent();
    static final Path DOCKER = REPO.resolve("docker");

    private Distribution() {
    }

    /** Writes outrigger.jar (with the launcher's manifest) and iptables-init.jar into {@code dir}. */
    static Path assemble(Path dir) throws IOException {
        Path lib = MODULE.resolve("target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: run the tests through Maven (process-test-classes copies it)");
        }
        List<String> libs;
        try (Stream<Path> s = Files.list(lib)) {
            libs = s.map(p -> "lib/" + p.getFileName()).sorted().toList();
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.outrigger.proxy.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", libs));
        m.getMainAttributes().putValue("Enable-Native-Access", "ALL-UNNAMED");
        Path jar = dir.resolve("outrigger.jar");
        jar(MODULE.resolve("target/classes"), jar, m);
        Files.createSymbolicLink(dir.resolve("lib"), lib);

        Manifest init = new Manifest();
        init.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        init.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.outrigger.iptables.IptablesInit");
        Path initClasses = codeSource("io.outrigger.iptables.IptablesInit");
        if (Files.isDirectory(initClasses)) {
            jar(initClasses, dir.resolve("iptables-init.jar"), init);
        } else {
            Files.copy(initClasses, dir.resolve("iptables-init.jar"));
        }
        Files.copy(DOCKER.resolve("jvm.options"), dir.resolve("jvm.options"));
        return jar;
    }

    private static Path codeSource(String className) {
        try {
            return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
            throw new IllegalStateException("outrigger-iptables-init is not on the test class path", e);
        }
    }

    private static void jar(Path classes, Path jar, Manifest manifest) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
