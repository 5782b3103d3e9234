package dev.edp.e3.assertion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import dev.edp.e3.assertion.DeviceAssertionKeys.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys all E3 replicas share: a JWKS JSON file with the <em>private</em> EC keys that
 * sign device credentials, each with {@code nbf} (when it starts being used) and, once
 * replaced, {@code exp} (when it leaves the published keys), and for each a symmetric key
 * ({@code kty: oct}, the same {@code kid}, {@code alg: HS256}): the master secret of that
 * epoch's request keys. Mode 600. An EC key without its master (a file from an older E3,
 * a key added by hand) gets one from the first replica that updates the file.
 * <p>
 * Every change (creation, rotation) happens under an exclusive lock on
 * {@code <file>.lock} (an OS file lock, so replicas on the same volume serialise; plus an
 * in-process lock, because the JVM refuses overlapping file locks within one process):
 * read, change, write a temporary file next to it, atomic move. Two replicas starting at
 * once therefore end up with the one key the first created. Readers never see a
 * half-written file.
 */
public final class AssertionKeyFile {

    private static final Logger log = LoggerFactory.getLogger(AssertionKeyFile.class);

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;

    private final Path lockPath;

    private volatile String lastSeen;

    /**
     * @param path the key file (created when absent)
     */
    public AssertionKeyFile(Path path) {
        this.path = path.toAbsolutePath().normalize();
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
    }

    /**
     * @return the file
     */
    public Path path() {
        return path;
    }

    /**
     * Reads, changes and (if changed) rewrites the key set under the lock.
     * @param change from the current keys (empty if the file does not exist) to the new
     * ones
     * @return the keys now in the file
     */
    List<Entry> update(UnaryOperator<List<Entry>> change) {
        ReentrantLock local = IN_PROCESS.computeIfAbsent(path, key -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(path.getParent());
            try (FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                String text = read();
                if (text != null) {
                    warnIfReadableByOthers();
                }
                List<Entry> current = text == null ? List.of() : parse(text);
                List<Entry> next = change.apply(current);
                if (next != current) {
                    text = write(next);
                    log.info("Assertion key file {} written: keys {}", path,
                            next.stream().map(entry -> entry.key().getKeyID()).toList());
                }
                lastSeen = text;
                return next;
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot update the assertion key file " + path, ex);
        }
        finally {
            local.unlock();
        }
    }

    /**
     * @return the keys if the file changed since last seen, else null (also when
     * unreadable: keep what we have)
     */
    List<Entry> readIfChanged() {
        try {
            String text = read();
            if (text == null || text.equals(lastSeen)) {
                return null;
            }
            List<Entry> entries = parse(text);
            lastSeen = text;
            log.info("Assertion keys reloaded from {}: {}", path,
                    entries.stream().map(e -> e.key().getKeyID()).toList());
            return entries;
        }
        catch (IOException | RuntimeException ex) {
            log.warn("Cannot reload the assertion key file {}: {}; keeping the keys in use", path, ex.getMessage());
            return null;
        }
    }

    private String read() throws IOException {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException ex) {
            return null;
        }
    }

    private static List<Entry> parse(String text) {
        try {
            List<JWK> all = JWKSet.parse(text).getKeys();
            Map<String, byte[]> masters = new HashMap<>();
            for (JWK jwk : all) {
                if (jwk instanceof OctetSequenceKey secret) {
                    byte[] master = secret.toByteArray();
                    if (secret.getKeyID() == null || master.length < 32) {
                        throw new IllegalArgumentException(
                                "master secret " + secret.getKeyID() + " without a key id or shorter than 256 bits");
                    }
                    masters.put(secret.getKeyID(), master);
                }
            }
            List<Entry> entries = new ArrayList<>();
            for (JWK jwk : all) {
                if (jwk instanceof OctetSequenceKey) {
                    continue;
                }
                if (!(jwk instanceof ECKey key) || !key.isPrivate()) {
                    throw new IllegalArgumentException("key " + jwk.getKeyID() + " is not a private EC key");
                }
                Date from = key.getNotBeforeTime() != null ? key.getNotBeforeTime() : key.getIssueTime();
                if (from == null) {
                    throw new IllegalArgumentException("key " + key.getKeyID() + " has neither nbf nor iat");
                }
                entries.add(Entry.of(key, masters.get(key.getKeyID()), from.toInstant(),
                        key.getExpirationTime() == null ? null : key.getExpirationTime().toInstant()));
            }
            return List.copyOf(entries);
        }
        catch (ParseException ex) {
            throw new IllegalArgumentException("not a JWKS: " + ex.getMessage(), ex);
        }
    }

    private String write(List<Entry> entries) throws IOException {
        List<JWK> keys = new ArrayList<>();
        for (Entry entry : entries) {
            keys.add(new ECKey.Builder(entry.key()).notBeforeTime(Date.from(entry.activeFrom()))
                .expirationTime(entry.retireAt() == null ? null : Date.from(entry.retireAt()))
                .build());
            if (entry.master() != null) {
                keys.add(new OctetSequenceKey.Builder(entry.master()).keyID(entry.key().getKeyID())
                    .algorithm(JWSAlgorithm.HS256)
                    .build());
            }
        }
        String text = new JWKSet(keys).toString(false);
        Path temp = posix()
                ? Files.createTempFile(path.getParent(), path.getFileName() + ".", ".tmp",
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(path.getParent(), path.getFileName() + ".", ".tmp", new FileAttribute<?>[0]);
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException ex) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        finally {
            Files.deleteIfExists(temp);
        }
        return text;
    }

    private void warnIfReadableByOthers() throws IOException {
        if (posix() && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(path))) {
            log.warn("The assertion key file {} holds private keys but is accessible to others ({}); make it mode 600",
                    path, PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        }
    }

    private boolean posix() {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

}
