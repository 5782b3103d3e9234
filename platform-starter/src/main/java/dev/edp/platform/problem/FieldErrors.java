package dev.edp.platform.problem;

import java.util.Map;

/**
 * Refuses a request whose fields a controller checked itself, in the shape of the
 * platform's bean validation: 400 {@code VALIDATION_FAILED} with {@code errors}, one
 * {@code {"field", "message"}} per invalid field.
 */
public final class FieldErrors {

    private FieldErrors() {
    }

    /**
     * @param errors each invalid field and what is wrong with it, in the order to list
     * them
     * @throws EdpException 400 {@code VALIDATION_FAILED} unless {@code errors} is empty
     */
    public static void refuseIfAny(Map<String, String> errors) {
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    /**
     * @param errors each invalid field and what is wrong with it, in the order to list
     * them; not empty
     * @return 400 {@code VALIDATION_FAILED} naming the fields
     */
    public static EdpException invalid(Map<String, String> errors) {
        return PlatformProblem.VALIDATION_FAILED
            .exception("The request has %d invalid field(s).".formatted(errors.size()))
            .with("errors",
                    errors.entrySet()
                        .stream()
                        .map(error -> Map.of("field", error.getKey(), "message", error.getValue()))
                        .toList());
    }

}
