package dev.edp.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the runner needs to know about a realm export: its name and its {@code ${…}}
 * placeholders.
 */
record RealmFile(String name, Set<String> placeholders, Map<Client, String> secretPlaceholders) {

    // Keycloak's import resolves ${NAME} from the environment. Lower-case ones such as
    // ${username} are theme message keys, left alone when no such variable exists; ones
    // with a ${NAME:default} have a fallback. Neither needs a value from the runner.
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");

    static RealmFile read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read realm file " + file, ex);
        }
        return parse(json, file.toString());
    }

    static RealmFile parse(String json, String source) {
        Map<String, Object> realm = Http.object(json);
        if (!(realm.get("realm") instanceof String name) || name.isBlank() || name.contains("${")) {
            throw new IllegalArgumentException("Realm file " + source + " has no literal \"realm\" name");
        }
        Set<String> placeholders = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(json);
        while (matcher.find()) {
            placeholders.add(matcher.group(1));
        }
        Map<Client, String> secrets = new LinkedHashMap<>();
        if (realm.get("clients") instanceof List<?> clients) {
            for (Object client : clients) {
                if (client instanceof Map<?, ?> map && map.get("clientId") instanceof String clientId
                        && map.get("secret") instanceof String secret) {
                    Matcher placeholder = PLACEHOLDER.matcher(secret);
                    if (placeholder.matches()) {
                        secrets.put(new Client(name, clientId), placeholder.group(1));
                    }
                }
            }
        }
        return new RealmFile(name, placeholders, secrets);
    }

    record Client(String realm, String clientId) {
    }
}
