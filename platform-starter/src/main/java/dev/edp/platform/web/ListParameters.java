package dev.edp.platform.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which of the list parameters a {@link ListRequest} parameter reads and documents beyond
 * {@code limit} and {@code cursor}. Without it: no {@code sort} (the list has one order)
 * and a {@code customerId} for platform admins.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ListParameters {

    /**
     * @return the orders the list offers, as the API documentation shows them (e.g.
     * {@code "name (default) or createdAt; prefix - for descending"}); empty: the list
     * has one fixed order, and a {@code sort} parameter is neither read nor documented
     */
    String sort() default "";

    /**
     * @return whether a platform admin may narrow the list to one customer with the query
     * parameter {@code customerId}; false for lists whose customer is in the path, or
     * which are of customers themselves
     */
    boolean customerId() default true;

}
