package dev.edp.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Navigation in rendered manifests read as plain maps. */
final class Manifests {

    private Manifests() {
    }

    static String kind(Map<String, Object> document) {
        return String.valueOf(document.get("kind"));
    }

    static String name(Map<String, Object> document) {
        return String.valueOf(map(document, "metadata").get("name"));
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(kind(d))).toList();
    }

    static Map<String, Object> named(List<Map<String, Object>> documents, String kind, String name) {
        return ofKind(documents, kind).stream()
            .filter(d -> name.equals(name(d)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String... path) {
        Map<String, Object> current = parent;
        for (String key : path) {
            Object next = current == null ? null : current.get(key);
            current = next instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        }
        return current == null ? Map.of() : current;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object value = parent == null ? null : parent.get(key);
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    /**
     * The pod spec of a Deployment, StatefulSet, Job or CronJob; null for anything else.
     */
    static Map<String, Object> podSpec(Map<String, Object> document) {
        return switch (kind(document)) {
            case "Deployment", "StatefulSet", "Job" -> map(document, "spec", "template", "spec");
            case "CronJob" -> map(document, "spec", "jobTemplate", "spec", "template", "spec");
            default -> null;
        };
    }

    static List<Map<String, Object>> workloads(List<Map<String, Object>> documents) {
        return documents.stream().filter(d -> podSpec(d) != null).toList();
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        List<Map<String, Object>> all = new ArrayList<>(list(podSpec(workload), "initContainers"));
        all.addAll(list(podSpec(workload), "containers"));
        return all;
    }

    /** Every value of {@code key} anywhere in the tree. */
    static List<Object> findAll(Object tree, String key) {
        List<Object> found = new ArrayList<>();
        collect(tree, key, found);
        return found;
    }

    private static void collect(Object node, String key, List<Object> found) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (Objects.equals(k, key)) {
                    found.add(v);
                }
                collect(v, key, found);
            });
        }
        else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, key, found));
        }
    }

    static String component(Map<String, Object> document) {
        return String.valueOf(map(document, "metadata", "labels").get("app.kubernetes.io/component"));
    }

}
