package io.outrigger.tls.identity;

import io.outrigger.tls.metrics.TlsMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads PEM files into a {@link SecretStore} and keeps watching them: Istio's {@code /etc/certs}
 * ({@code cert-chain.pem}, {@code key.pem}, {@code root-cert.pem}) or a Kubernetes secret volume. Files are
 * polled on a dedicated thread; a poll first compares each file's resolved path, mtime and size, and only
 * when one changed reads the files and compares a SHA-256 of their content. Resolving the path each time
 * makes Kubernetes' atomic {@code ..data} symlink swap visible even when the new files keep the old mtime.
 *
 * <p>A file that is missing, garbage, or a key that does not match its certificate (a rotation caught
 * half-written) is logged and reported to {@link TlsMetrics#secretLoadFailed}; the last good secret stays
 * published, and the same bad content is not reported twice.
 */
public final class PemFileSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PemFileSource.class);

    private final SecretStore store;
    private final TlsMetrics metrics;
    private final Duration pollInterval;
    private final List<Entry> entries;
    private final Map<String, Map<TrustDomain, TrustBundle>> goodBundles = new HashMap<>();
    private ScheduledExecutorService poller;

    private PemFileSource(Builder b) {
        this.store = b.store;
        this.metrics = b.metrics;
        this.pollInterval = b.pollInterval;
        this.entries = new ArrayList<>();
    }

    /** Starts describing the files to watch. */
    public static Builder builder(SecretStore store) {
        return new Builder(store);
    }

    /**
     * Loads every file once on the calling thread (so secrets are in the store when this returns, if the
     * files are good), then polls on a dedicated daemon thread.
     */
    public synchronized PemFileSource start() {
        if (poller != null) {
            throw new IllegalStateException("already started");
        }
        pollOnce();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-tls-pem-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The last load error of a secret, empty once it loaded again. */
    public Optional<String> lastError(String secretName) {
        for (Entry e : entries) {
            String err = e.lastError;
            if (err != null && e.secretName.equals(secretName)) {
                return Optional.of(err);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private void pollSafely() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            log.error("polling TLS files failed", e);
        }
    }

    /** Checks every entry once; package-private for tests that drive polls themselves. */
    synchronized void pollOnce() {
        for (Entry e : entries) {
            e.poll();
        }
    }

    private void failed(Entry e, String message) {
        if (!message.equals(e.lastError)) {
            log.warn("TLS secret '{}' not (re)loaded, keeping the last good one: {}", e.secretName, message);
        }
        e.lastError = message;
        metrics.secretLoadFailed(e.secretName, message);
    }

    /** One secret's files and what was last seen of them. */
    private abstract class Entry {
        final String secretName;
        final List<Path> files;
        private List<Object> lastStamp = List.of();
        private byte[] lastHash = new byte[0];
        // Per entry, as several bundle files can feed one secret name; read by lastError() from any thread.
        volatile String lastError;

        Entry(String secretName, List<Path> files) {
            this.secretName = secretName;
            this.files = files;
        }

        void poll() {
            List<Object> stamp = new ArrayList<>(files.size() * 4);
            try {
                for (Path f : files) {
                    Path real = f.toRealPath();
                    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
                    stamp.add(real);
                    stamp.add(a.lastModifiedTime());
                    stamp.add(a.size());
                    stamp.add(a.fileKey());
                }
            } catch (NoSuchFileException ex) {
                reportOnce("file not found: " + ex.getFile());
                return;
            } catch (IOException ex) {
                reportOnce("cannot read: " + ex);
                return;
            }
            if (stamp.equals(lastStamp)) {
                return;
            }
            byte[][] contents = new byte[files.size()][];
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
            try {
                for (int i = 0; i < files.size(); i++) {
                    contents[i] = Files.readAllBytes(files.get(i));
                    sha.update(contents[i]);
                    sha.update((byte) 0);
                }
            } catch (IOException ex) {
                reportOnce("cannot read: " + ex);
                return;
            }
            lastStamp = stamp;
            byte[] hash = sha.digest();
            if (Arrays.equals(hash, lastHash)) {
                // Touched, or re-linked to identical content: nothing to do, not even a failure to repeat.
                return;
            }
            lastHash = hash;
            try {
                load(contents);
                if (lastError != null) {
                    log.info("TLS secret '{}' loaded again from {}", secretName, files);
                    lastError = null;
                }
            } catch (RuntimeException ex) {
                failed(this, ex.getMessage());
            }
        }

        private void reportOnce(String message) {
            // Forget the stamp so the file is re-read as soon as it is back.
            lastStamp = List.of();
            lastHash = new byte[0];
            if (!message.equals(lastError)) {
                failed(this, message);
            }
        }

        abstract void load(byte[][] contents);
    }

    private final class CertificateEntry extends Entry {
        CertificateEntry(String name, Path chain, Path key) {
            super(name, List.of(chain, key));
        }

        @Override
        void load(byte[][] contents) {
            var chain = Pem.certificates(contents[0], files.get(0).toString());
            var key = Pem.privateKey(contents[1], files.get(1).toString());
            Svid svid;
            try {
                svid = Svid.of(chain, key);
            } catch (InvalidSvidException e) {
                throw new InvalidSvidException(files.get(0) + ": " + e.getMessage(), e);
            }
            store.putCertificate(secretName, svid);
            log.info("TLS certificate '{}' loaded: {}", secretName, svid);
        }
    }

    private final class BundleEntry extends Entry {
        final TrustDomain domain;

        BundleEntry(String name, TrustDomain domain, Path file) {
            super(name, List.of(file));
            this.domain = domain;
        }

        @Override
        void load(byte[][] contents) {
            TrustBundle bundle = new TrustBundle(domain, Pem.certificates(contents[0], files.get(0).toString()));
            Map<TrustDomain, TrustBundle> all = goodBundles.computeIfAbsent(secretName, n -> new LinkedHashMap<>());
            all.put(domain, bundle);
            // Publish every domain that has loaded so far: a broken federated bundle must not block local trust.
            store.putValidationContext(secretName, TrustBundles.of(all.values()));
            log.info("trust bundle for {} loaded into '{}' ({} authorities)", domain, secretName,
                    bundle.authorities().size());
        }
    }

    /** Describes the files of a {@link PemFileSource}. */
    public static final class Builder {
        private final SecretStore store;
        private final List<Runnable> pending = new ArrayList<>();
        private TlsMetrics metrics = TlsMetrics.NOOP;
        private Duration pollInterval = Duration.ofSeconds(1);
        private PemFileSource built;

        Builder(SecretStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Watch a certificate chain and key, published as TLS certificate {@code secretName}. */
        public Builder certificate(String secretName, Path certChain, Path privateKey) {
            Objects.requireNonNull(secretName, "secretName");
            Objects.requireNonNull(certChain, "certChain");
            Objects.requireNonNull(privateKey, "privateKey");
            pending.add(() -> built.entries.add(built.new CertificateEntry(secretName, certChain, privateKey)));
            return this;
        }

        /**
         * Watch the bundle of one trust domain, published in validation context {@code secretName}; call once
         * per federated trust domain with the same name.
         */
        public Builder trustBundle(String secretName, TrustDomain domain, Path bundle) {
            Objects.requireNonNull(secretName, "secretName");
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(bundle, "bundle");
            pending.add(() -> built.entries.add(built.new BundleEntry(secretName, domain, bundle)));
            return this;
        }

        /** How often files are checked; default 1 s. */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("pollInterval: " + interval + " (expected: > 0)");
            }
            this.pollInterval = interval;
            return this;
        }

        /** Where load failures and loaded certificates are reported. */
        public Builder metrics(TlsMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** The source, not yet started. */
        public PemFileSource build() {
            if (pending.isEmpty()) {
                throw new IllegalStateException("no certificate or trust bundle to watch");
            }
            // Entries are inner classes of the source, so they are created once it exists.
            built = new PemFileSource(this);
            pending.forEach(Runnable::run);
            return built;
        }
    }
}
