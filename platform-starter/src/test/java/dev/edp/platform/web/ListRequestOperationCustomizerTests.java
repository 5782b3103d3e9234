package dev.edp.platform.web;

import java.lang.reflect.Method;
import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.parameters.QueryParameter;
import org.junit.jupiter.api.Test;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The OpenAPI description of a list shows the query parameters its ListRequest reads, and
 * only those.
 */
class ListRequestOperationCustomizerTests {

    @SuppressWarnings("unused")
    static class Lists {

        void sorted(@ListParameters(sort = "name (default) or createdAt") ListRequest list, @RequestParam String q) {
        }

        void fixed(ListRequest list) {
        }

        void ofACustomer(@PathVariable UUID customerId, @ListParameters(customerId = false) ListRequest list) {
        }

        void noList(@RequestParam String q) {
        }

    }

    private final ListRequestOperationCustomizer customizer = new ListRequestOperationCustomizer();

    @Test
    void aSortedListDocumentsCustomerLimitCursorAndSortBeforeItsFilters() {
        Operation operation = new Operation().addParametersItem(new QueryParameter().name("q"));
        List<Parameter> parameters = customizer.customize(operation, handler("sorted")).getParameters();
        assertThat(parameters).extracting(Parameter::getName)
            .containsExactly("customerId", "limit", "cursor", "sort", "q");
        assertThat(parameters.get(0).getSchema().getFormat()).isEqualTo("uuid");
        assertThat(parameters.get(1).getSchema().getType()).isEqualTo("integer");
        assertThat(parameters.get(1).getDescription()).isEqualTo("page size, 1 to 500, default 50");
        assertThat(parameters.get(2).getDescription()).isEqualTo("nextCursor of the previous page");
        assertThat(parameters.get(3).getDescription()).isEqualTo("name (default) or createdAt");
        assertThat(parameters.subList(0, 4)).allSatisfy(parameter -> {
            assertThat(parameter.getIn()).isEqualTo("query");
            assertThat(parameter.getRequired()).isFalse();
        });
    }

    @Test
    void aListWithOneOrderHasNoSortAndAListOfTheCustomerInThePathNoCustomerId() {
        assertThat(customizer.customize(new Operation(), handler("fixed")).getParameters())
            .extracting(Parameter::getName)
            .containsExactly("customerId", "limit", "cursor");
        Operation operation = new Operation().addParametersItem(new PathParameter().name("customerId"));
        assertThat(customizer.customize(operation, handler("ofACustomer")).getParameters())
            .extracting(Parameter::getName, Parameter::getIn)
            .containsExactly(tuple("customerId", "path"), tuple("limit", "query"), tuple("cursor", "query"));
    }

    @Test
    void anOperationWithoutAListIsLeftAlone() {
        Operation operation = new Operation().addParametersItem(new QueryParameter().name("q"));
        assertThat(customizer.customize(operation, handler("noList")).getParameters()).extracting(Parameter::getName)
            .containsExactly("q");
    }

    private static HandlerMethod handler(String name) {
        for (Method method : Lists.class.getDeclaredMethods()) {
            if (method.getName().equals(name)) {
                return new HandlerMethod(new Lists(), method);
            }
        }
        throw new IllegalArgumentException(name);
    }

}
