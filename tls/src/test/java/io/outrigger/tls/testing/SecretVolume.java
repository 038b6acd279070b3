package io.outrigger.tls.testing;

import io.outrigger.tls.ca.DevCa;
import io.outrigger.tls.identity.Pem;
import io.outrigger.tls.identity.Svid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory laid out as kubelet writes a secret volume: files are symlinks through {@code ..data}, which
 * points at a timestamped directory; an update writes a new directory and swaps {@code ..data} atomically,
 * then deletes the old one.
 */
public final class SecretVolume {
    private final Path dir;
    private Path current;
    private int version;

    public SecretVolume(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path certChain() {
        return dir.resolve("cert-chain.pem");
    }

    public Path key() {
        return dir.resolve("key.pem");
    }

    public Path rootCert() {
        return dir.resolve("root-cert.pem");
    }

    /** Publishes an SVID and its CA's root. */
    public void publish(Svid svid, DevCa ca) throws IOException {
        publish(Pem.encode(svid.chain()), Pem.encode(svid.privateKey()), Pem.encode(ca.root().certificate()));
    }

    /** Publishes raw file contents (possibly garbage). */
    public void publish(byte[] certChain, byte[] key, byte[] root) throws IOException {
        Path next = dir.resolve("..2026_11_23_" + (++version));
        Files.createDirectory(next);
        Files.write(next.resolve("cert-chain.pem"), certChain);
        Files.write(next.resolve("key.pem"), key);
        Files.write(next.resolve("root-cert.pem"), root);
        Path tmp = dir.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, next.getFileName());
        // rename(2) over the old link: readers see the old or the new directory, never a mix.
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String f : new String[] {"cert-chain.pem", "key.pem", "root-cert.pem"}) {
            Path link = dir.resolve(f);
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data").resolve(f));
            }
        }
        if (current != null) {
            try (Stream<Path> s = Files.walk(current)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        current = next;
    }
}
