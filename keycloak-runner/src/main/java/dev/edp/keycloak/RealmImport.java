package dev.edp.keycloak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The realm files of one start: copied into Keycloak's import directory, every
 * {@code ${VARIABLE}} placeholder given a value (an explicit client secret, else the
 * caller's environment, else a generated secret for names ending in {@code _SECRET}), and
 * after the start the placeholder secrets set again through the admin API.
 */
final class RealmImport {

    private final KeycloakServer.Builder config;

    /**
     * Kept across starts: a generated secret stays the same when the server starts again.
     */
    private final Map<String, String> placeholderValues = new LinkedHashMap<>();

    private Path home;

    RealmImport(KeycloakServer.Builder config) {
        this.config = config;
    }

    /**
     * @return the value of every placeholder of the prepared realm files, by variable
     */
    Map<String, String> placeholderValues() {
        return placeholderValues;
    }

    /**
     * Puts this start's realm files (and only those) into the import directory and gives
     * every placeholder in them a value.
     * @param home the unpacked distribution
     * @return the realms to import
     */
    List<RealmFile> prepare(Path home) throws IOException {
        this.home = home;
        Path importDir = this.home.resolve("data/import");
        // Only this start's realm files: leftovers from an earlier start must not be
        // imported.
        KeycloakDistribution.deleteRecursively(importDir);
        Files.createDirectories(importDir);
        List<Path> sources = new ArrayList<>(this.config.realmFiles);
        if (this.config.edpRealm) {
            sources.add(EdpRealm.copyTo(this.config.workDir.toAbsolutePath().resolve("realms")));
        }
        List<RealmFile> realms = new ArrayList<>();
        for (Path source : sources) {
            RealmFile realm = RealmFile.read(source);
            for (String variable : realm.placeholders()) {
                this.placeholderValues.computeIfAbsent(variable, this::placeholderValue);
            }
            Files.copy(source, importDir.resolve(realm.name() + "-realm.json"));
            realms.add(realm);
        }
        return realms;
    }

    private String placeholderValue(String variable) {
        for (Map.Entry<String, String> secret : this.config.clientSecrets.entrySet()) {
            if (EdpRealm.secretVariable(secret.getKey()).equals(variable)) {
                return secret.getValue();
            }
        }
        String inherited = System.getenv(variable);
        if (inherited != null && !inherited.isEmpty()) {
            return inherited;
        }
        if (variable.endsWith("_SECRET")) {
            return Secrets.generateClientSecret();
        }
        throw new IllegalStateException("Realm placeholder ${" + variable + "} has no value: set the environment"
                + " variable, or Keycloak would import the placeholder text literally");
    }

    /**
     * Sets the secrets of clients whose realm-file secret is a placeholder through the
     * admin API, so they also hold when the realm already existed and the import was
     * skipped.
     * @param realms the imported realms
     * @param admins connects an admin client
     */
    void reconcileClientSecrets(List<RealmFile> realms, Supplier<KeycloakAdmin> admins) {
        Map<RealmFile.Client, String> secrets = new LinkedHashMap<>();
        for (RealmFile realm : realms) {
            realm.secretPlaceholders()
                .forEach((client, variable) -> secrets.put(client, this.placeholderValues.get(variable)));
        }
        if (secrets.isEmpty()) {
            return;
        }
        try (KeycloakAdmin admin = admins.get()) {
            secrets.forEach((client, secret) -> {
                try {
                    admin.setClientSecret(client.realm(), client.clientId(), secret);
                }
                catch (KeycloakException ex) {
                    // A realm imported by an older EDP may lack a client added to the
                    // realm file since;
                    // whoever needs it adds it (the launcher:
                    // KeycloakAdmin#ensureServiceClient).
                    if (ex.status() != 404) {
                        throw ex;
                    }
                }
            });
        }
        catch (KeycloakException ex) {
            throw new IllegalStateException("Keycloak is up, but setting the client secrets failed. If " + this.home
                    + "/data is from an earlier start, its admin password is that start's: pass it, or start with"
                    + " fresh data. " + ex.getMessage(), ex);
        }
    }

}
