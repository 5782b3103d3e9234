package dev.edp.agent;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * The agent's directory (default {@code ./edp-agent}, mode 700):
 * <ul>
 * <li>{@code device.key}: the private key, PKCS#8 PEM, mode 600</li>
 * <li>{@code device.crt}: the device certificate; {@code ca-chain.crt}: the issuing CA
 * chain</li>
 * <li>{@code e3-trust.pem}: what is trusted for E3's server certificate</li>
 * <li>{@code agent.properties}: E3's URL and the device identity</li>
 * <li>{@code status.json}: what {@code edp-agent status} shows, rewritten by the running
 * agent</li>
 * </ul>
 * Every file is written aside and moved into place, so a crash never leaves half a key.
 */
public final class DeviceStore {

    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    /**
     * @param dir the agent's directory
     */
    public DeviceStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * @return the directory
     */
    public Path dir() {
        return dir;
    }

    /**
     * @return the private key file
     */
    public Path keyFile() {
        return dir.resolve("device.key");
    }

    /**
     * @return the device certificate file
     */
    public Path certificateFile() {
        return dir.resolve("device.crt");
    }

    /**
     * @return the CA chain file
     */
    public Path chainFile() {
        return dir.resolve("ca-chain.crt");
    }

    /**
     * @return the E3 trust file
     */
    public Path trustFile() {
        return dir.resolve("e3-trust.pem");
    }

    /**
     * @return the settings and identity file
     */
    public Path propertiesFile() {
        return dir.resolve("agent.properties");
    }

    /**
     * @return the status file
     */
    public Path statusFile() {
        return dir.resolve("status.json");
    }

    /**
     * @return whether a device was onboarded into this directory
     */
    public boolean exists() {
        return Files.exists(keyFile()) && Files.exists(certificateFile()) && Files.exists(propertiesFile());
    }

    /**
     * Saves (or, after renewal, replaces) the device's key, certificates and identity.
     * @param e3 E3's URL
     * @param trust the E3 trust
     * @param credentials key, chain, identity
     * @throws IOException if the files cannot be written
     */
    public void save(URI e3, E3Trust trust, Credentials credentials) throws IOException {
        createDirectory();
        write(keyFile(), Pems.writePkcs8(credentials.key()));
        List<X509Certificate> chain = credentials.chain();
        write(certificateFile(), Pems.write(chain.subList(0, 1)));
        write(chainFile(), Pems.write(chain.subList(1, chain.size())));
        write(trustFile(), trust.pem());
        DeviceIdentity identity = credentials.identity();
        Properties properties = new Properties();
        properties.setProperty("e3", e3.toString());
        properties.setProperty("deviceId", identity.deviceId().toString());
        if (identity.customerId() != null) {
            properties.setProperty("customerId", identity.customerId().toString());
        }
        properties.setProperty("serial", identity.serial());
        properties.setProperty("notBefore", identity.notBefore().toString());
        properties.setProperty("notAfter", identity.notAfter().toString());
        StringWriter text = new StringWriter();
        properties.store(text, "edp-agent: the device identity (written at onboarding and renewal)");
        write(propertiesFile(), text.toString());
    }

    /**
     * @return E3's URL as saved @throws IOException if unreadable
     */
    public URI e3() throws IOException {
        return URI.create(properties().getProperty("e3"));
    }

    /**
     * @return the saved trust @throws IOException if unreadable
     */
    public E3Trust trust() throws IOException {
        return E3Trust.fromPem(trustFile());
    }

    /**
     * @return the saved key, chain and identity @throws IOException if unreadable
     */
    public Credentials credentials() throws IOException {
        Properties properties = properties();
        List<X509Certificate> chain = new ArrayList<>(Pems.certificates(Files.readString(certificateFile())));
        if (Files.exists(chainFile())) {
            chain.addAll(Pems.certificates(Files.readString(chainFile())));
        }
        String customer = properties.getProperty("customerId");
        DeviceIdentity identity = new DeviceIdentity(UUID.fromString(properties.getProperty("deviceId")),
                customer == null ? null : UUID.fromString(customer), properties.getProperty("serial"),
                Instant.parse(properties.getProperty("notBefore")), Instant.parse(properties.getProperty("notAfter")));
        return new Credentials(Pems.privateKey(Files.readString(keyFile())), chain, identity);
    }

    /**
     * @param status what the running agent knows now
     * @throws IOException if it cannot be written
     */
    public void writeStatus(Map<String, Object> status) throws IOException {
        write(statusFile(), E3Client.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status));
    }

    /**
     * @return the last status written, or null @throws IOException if unreadable
     */
    public JsonNode readStatus() throws IOException {
        return Files.exists(statusFile()) ? E3Client.JSON.readTree(Files.readString(statusFile())) : null;
    }

    private Properties properties() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(propertiesFile())));
        return properties;
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        posix(dir, OWNER_ONLY_DIR);
    }

    /**
     * Written to a temporary file that is owner-only before the first byte, then moved
     * over the target.
     */
    private void write(Path target, String content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        }
        catch (UnsupportedOperationException ex) {
            Files.createFile(temp); // not a POSIX file system
        }
        catch (FileAlreadyExistsException ex) {
            throw new IOException("Another agent writes " + temp, ex);
        }
        Files.writeString(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException ex) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void posix(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, permissions);
        }
        catch (UnsupportedOperationException ex) {
            // not a POSIX file system: nothing to set
        }
    }

}
