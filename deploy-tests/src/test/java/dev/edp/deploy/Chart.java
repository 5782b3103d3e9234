package dev.edp.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * helm/edp rendered by Helm itself (helm-java: Helm 3 in the JVM, no binary, no cluster).
 */
final class Chart {

    static final List<String> ENVIRONMENTS = List.of("values-testing.yaml", "values-staging.yaml",
            "values-production.yaml");

    /** A recent Kubernetes; the chart needs 1.27 or later (Chart.yaml kubeVersion). */
    static final String KUBE_VERSION = "1.31.0";

    private Chart() {
    }

    static Path directory() {
        return Repository.path("helm/edp");
    }

    static Helm helm() {
        return new Helm(directory());
    }

    /**
     * @param valuesFile a file in helm/edp, or null for the chart's defaults only
     * @param sets further --set pairs
     * @return the rendered manifest stream
     */
    static String template(String valuesFile, String... sets) {
        TemplateCommand template = helm().template()
            .withName("edp")
            .withNamespace("edp-test")
            .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(directory().resolve(valuesFile));
        }
        for (int i = 0; i + 1 < sets.length; i += 2) {
            template = template.set(sets[i], sets[i + 1]);
        }
        return template.call();
    }

    /** The documents of a rendered stream as plain maps (empty documents dropped). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String manifests) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(50 * 1024 * 1024);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(options).loadAll(manifests)) {
            if (document instanceof Map<?, ?> map && !map.isEmpty()) {
                documents.add((Map<String, Object>) map);
            }
        }
        return documents;
    }

    /** Splits a rendered stream into one YAML text per document. */
    static List<String> documentTexts(String manifests) {
        List<String> texts = new ArrayList<>();
        for (String text : manifests.split("(?m)^---\\s*$")) {
            if (text.lines().anyMatch(line -> line.startsWith("kind:"))) {
                texts.add(text);
            }
        }
        return texts;
    }

}
