package dev.edp.platform.problem;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.http.HttpStatus;

/**
 * The status and title of one constant of a {@link ProblemType} catalogue, so that a
 * catalogue is its constants and nothing else:
 *
 * <pre>
 * &#64;Problem(status = HttpStatus.CONFLICT, title = "Device decommissioned")
 * DEVICE_DECOMMISSIONED,
 * </pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Problem {

    /**
     * @return the HTTP status the problem always answers with
     */
    HttpStatus status();

    /**
     * @return the short, human summary that does not change between occurrences
     */
    String title();

    /**
     * @return the code sent, where it is not the constant's name (an entry that answers
     * with a shared code under its own title); empty: the constant's name
     */
    String code() default "";

}
