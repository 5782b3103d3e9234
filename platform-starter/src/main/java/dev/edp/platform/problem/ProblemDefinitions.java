package dev.edp.platform.problem;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link Problem} annotations of a catalogue's constants, read once per catalogue.
 */
final class ProblemDefinitions {

    private static final ClassValue<Map<String, Problem>> CATALOGUES = new ClassValue<>() {

        @Override
        protected Map<String, Problem> computeValue(Class<?> catalogue) {
            Map<String, Problem> definitions = new HashMap<>();
            for (Field field : catalogue.getDeclaredFields()) {
                Problem problem = field.getAnnotation(Problem.class);
                if (field.isEnumConstant() && problem != null) {
                    definitions.put(field.getName(), problem);
                }
            }
            return Map.copyOf(definitions);
        }
    };

    private ProblemDefinitions() {
    }

    /**
     * @param type a catalogue constant
     * @return its definition
     * @throws IllegalStateException for a constant without {@link Problem} (the catalogue
     * tests fail on it)
     */
    static Problem of(ProblemType type) {
        Class<?> catalogue = type instanceof Enum<?> constant ? constant.getDeclaringClass() : type.getClass();
        Problem problem = CATALOGUES.get(catalogue).get(type.name());
        if (problem == null) {
            throw new IllegalStateException(catalogue.getName() + "." + type.name() + " has no @Problem");
        }
        return problem;
    }

}
