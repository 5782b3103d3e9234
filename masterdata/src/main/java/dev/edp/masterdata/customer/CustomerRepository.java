package dev.edp.masterdata.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.problem.EdpException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class CustomerRepository {

    static final Map<String, KeysetQuery.Column> SORTS = Map.of(
            "name", new KeysetQuery.Column("name", KeysetQuery.Kind.TEXT),
            "createdAt", new KeysetQuery.Column("created_at", KeysetQuery.Kind.TIMESTAMP));

    private static final String COLUMNS = """
            id, name, code, contact_email, status, version, created_at, created_by, updated_at, updated_by""";

    private final JdbcClient jdbc;

    CustomerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Customer customer) {
        try {
            jdbc.sql("""
                    INSERT INTO customer (id, name, code, contact_email, status, version, created_at, created_by,
                                          updated_at, updated_by)
                    VALUES (:id, :name, :code, :email, :status, :version, :createdAt, :createdBy, :updatedAt,
                            :updatedBy)
                    """)
                    .param("id", customer.id())
                    .param("name", customer.name())
                    .param("code", customer.code())
                    .param("email", customer.contactEmail())
                    .param("status", customer.status().name())
                    .param("version", customer.version())
                    .param("createdAt", KeysetQuery.timestamp(customer.createdAt()))
                    .param("createdBy", customer.createdBy())
                    .param("updatedAt", KeysetQuery.timestamp(customer.updatedAt()))
                    .param("updatedBy", customer.updatedBy())
                    .update();
        }
        catch (DuplicateKeyException ex) {
            throw new EdpException(HttpStatus.CONFLICT, "CUSTOMER_CODE_TAKEN", "Customer code taken",
                    "Another customer already has the code '" + customer.code() + "'.");
        }
    }

    Optional<Customer> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE id = :id").param("id", id)
                .query(CustomerRepository::map).optional();
    }

    /** Reads a customer and locks it until the transaction ends, so concurrent changes queue up. */
    Optional<Customer> findForUpdate(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customer WHERE id = :id FOR UPDATE").param("id", id)
                .query(CustomerRepository::map).optional();
    }

    /** Reads a customer's status, nothing else: asked on every request of a customer's caller. */
    Optional<CustomerStatus> status(UUID id) {
        return jdbc.sql("SELECT status FROM customer WHERE id = :id").param("id", id)
                .query((row, index) -> CustomerStatus.valueOf(row.getString(1))).optional();
    }

    /** Reads a customer's status and keeps it from changing until the transaction ends. */
    Optional<CustomerStatus> statusForShare(UUID id) {
        return jdbc.sql("SELECT status FROM customer WHERE id = :id FOR SHARE").param("id", id)
                .query((row, index) -> CustomerStatus.valueOf(row.getString(1))).optional();
    }

    /**
     * Stores a changed customer if it still has the version it was read with.
     * @return whether it did
     */
    boolean update(Customer customer, long expectedVersion) {
        return jdbc.sql("""
                UPDATE customer SET name = :name, contact_email = :email, status = :status, version = :version,
                                    updated_at = :updatedAt, updated_by = :updatedBy
                WHERE id = :id AND version = :expectedVersion
                """)
                .param("id", customer.id())
                .param("name", customer.name())
                .param("email", customer.contactEmail())
                .param("status", customer.status().name())
                .param("version", customer.version())
                .param("updatedAt", KeysetQuery.timestamp(customer.updatedAt()))
                .param("updatedBy", customer.updatedBy())
                .param("expectedVersion", expectedVersion)
                .update() == 1;
    }

    /**
     * One page of customers, {@code limit + 1} rows at most.
     * @param scope only this customer (everyone but a platform admin), or null for all
     * @param status only customers with this status, or null
     * @param text only customers whose name or code contains this, ignoring case, or null
     */
    List<Customer> page(UUID scope, CustomerStatus status, String text, KeysetQuery order, Map<String, Object> after,
            int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM customer WHERE TRUE");
        Map<String, Object> params = new HashMap<>();
        if (scope != null) {
            sql.append(" AND id = :scope");
            params.put("scope", scope);
        }
        if (status != null) {
            sql.append(" AND status = :status");
            params.put("status", status.name());
        }
        if (text != null && !text.isBlank()) {
            sql.append(" AND (name ILIKE :text OR code ILIKE :text)");
            params.put("text", "%" + escapeLike(text.strip()) + "%");
        }
        if (after != null) {
            sql.append(" AND ").append(order.afterCondition());
            params.putAll(after);
        }
        sql.append(" ORDER BY ").append(order.orderBy()).append(" LIMIT :limit");
        params.put("limit", limit + 1);
        return jdbc.sql(sql.toString()).params(params).query(CustomerRepository::map).list();
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Customer map(ResultSet row, int index) throws SQLException {
        return new Customer(row.getObject("id", UUID.class), row.getString("name"), row.getString("code"),
                row.getString("contact_email"), CustomerStatus.valueOf(row.getString("status")),
                row.getLong("version"), row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getString("created_by"), row.getObject("updated_at", OffsetDateTime.class).toInstant(),
                row.getString("updated_by"));
    }
}
