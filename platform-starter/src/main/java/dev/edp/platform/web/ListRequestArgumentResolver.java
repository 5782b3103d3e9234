package dev.edp.platform.web;

import java.util.UUID;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Lets controllers declare a {@link ListRequest} parameter. Values convert as Spring MVC
 * converts a {@code @RequestParam}, and one that does not (a {@code limit} of
 * {@code ten}) is the same 400 {@code INVALID_PARAMETER} naming it; a parameter the list
 * does not take ({@link ListParameters}) is not read at all.
 */
final class ListRequestArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return ListRequest.class.equals(parameter.getParameterType());
    }

    @Override
    public ListRequest resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
            NativeWebRequest request, WebDataBinderFactory binders) throws Exception {
        ListParameters declared = parameter.getParameterAnnotation(ListParameters.class);
        boolean sortable = declared != null && !declared.sort().isEmpty();
        boolean customerScoped = declared == null || declared.customerId();
        Integer limit = convert("limit", Integer.class, parameter, request, binders);
        String cursor = convert("cursor", String.class, parameter, request, binders);
        String sort = sortable ? convert("sort", String.class, parameter, request, binders) : null;
        UUID customerId = customerScoped ? convert("customerId", UUID.class, parameter, request, binders) : null;
        return ListRequest.of(limit, cursor, sort, customerId);
    }

    private static <T> T convert(String name, Class<T> type, MethodParameter parameter, NativeWebRequest request,
            WebDataBinderFactory binders) throws Exception {
        String[] values = request.getParameterValues(name);
        if (values == null) {
            return null;
        }
        // Like @RequestParam: one value as text, repeated ones as an array for the
        // converter.
        Object value = values.length == 1 ? values[0] : values;
        WebDataBinder binder = binders.createBinder(request, null, name);
        try {
            return binder.convertIfNecessary(value, type, parameter);
        }
        catch (TypeMismatchException ex) {
            throw new MethodArgumentTypeMismatchException(value, type, name, parameter, ex.getCause());
        }
    }

}
