package dev.edp.platform.web;

import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.UUIDSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.QueryParameter;
import org.springdoc.core.customizers.GlobalOperationCustomizer;

import org.springframework.core.MethodParameter;
import org.springframework.web.method.HandlerMethod;

/**
 * Documents the query parameters a {@link ListRequest} reads ({@code customerId},
 * {@code limit}, {@code cursor}, {@code sort}) on every list operation, after its path
 * parameters, as they would be documented had each controller declared them itself.
 */
final class ListRequestOperationCustomizer implements GlobalOperationCustomizer {

    @Override
    public Operation customize(Operation operation, HandlerMethod handler) {
        for (MethodParameter parameter : handler.getMethodParameters()) {
            if (ListRequest.class.equals(parameter.getParameterType())) {
                document(operation, parameter.getParameterAnnotation(ListParameters.class));
            }
        }
        return operation;
    }

    private static void document(Operation operation, ListParameters declared) {
        List<Parameter> added = new ArrayList<>();
        if (declared == null || declared.customerId()) {
            added.add(query("customerId", "only this customer's (platform-admin); others always see their own",
                    new UUIDSchema()));
        }
        added.add(query("limit", "page size, 1 to " + Cursor.MAX_LIMIT + ", default " + Cursor.DEFAULT_LIMIT,
                new IntegerSchema()));
        added.add(query("cursor", "nextCursor of the previous page", new StringSchema()));
        if (declared != null && !declared.sort().isEmpty()) {
            added.add(query("sort", declared.sort(), new StringSchema()));
        }
        List<Parameter> parameters = operation.getParameters() == null ? new ArrayList<>()
                : new ArrayList<>(operation.getParameters());
        int afterPath = 0;
        while (afterPath < parameters.size() && "path".equals(parameters.get(afterPath).getIn())) {
            afterPath++;
        }
        parameters.addAll(afterPath, added);
        operation.setParameters(parameters);
    }

    private static Parameter query(String name, String description, Schema<?> schema) {
        return new QueryParameter().name(name).description(description).required(false).schema(schema);
    }

}
