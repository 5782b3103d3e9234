package dev.edp.masterdata.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import dev.edp.masterdata.support.MasterdataProblem;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.Where;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class CustomerRepository {

    static final KeysetSorts<Customer> SORTS = KeysetSorts.of(Customer::id, "name")
        .text("name", "name", Customer::name)
        .timestamp("createdAt", "created_at", customer -> customer.stamp().createdAt());

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
                .params(customer.stamp().params())
                .update();
        }
        catch (DuplicateKeyException ex) {
            throw MasterdataProblem.CUSTOMER_CODE_TAKEN
                .exception("Another customer already has the code '" + customer.code() + "'.");
        }
    }

    Optional<Customer> find(UUID id) {
        return one(COLUMNS, id, "", CustomerRepository::map);
    }

    /**
     * Reads a customer and locks it until the transaction ends, so concurrent changes
     * queue up.
     */
    Optional<Customer> findForUpdate(UUID id) {
        return one(COLUMNS, id, " FOR UPDATE", CustomerRepository::map);
    }

    /**
     * Reads a customer's status, nothing else: asked on every request of a customer's
     * caller.
     */
    Optional<CustomerStatus> status(UUID id) {
        return one("status", id, "", CustomerRepository::status);
    }

    /**
     * Reads a customer's status and keeps it from changing until the transaction ends.
     */
    Optional<CustomerStatus> statusForShare(UUID id) {
        return one("status", id, " FOR SHARE", CustomerRepository::status);
    }

    /**
     * Reads columns of one customer.
     * @param lock the row lock to take ({@code " FOR UPDATE"}, {@code " FOR SHARE"}), or
     * empty for none
     */
    private <T> Optional<T> one(String columns, UUID id, String lock, RowMapper<T> mapper) {
        return jdbc.sql("SELECT " + columns + " FROM customer WHERE id = :id" + lock)
            .param("id", id)
            .query(mapper)
            .optional();
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
            .params(customer.stamp().params())
            .param("expectedVersion", expectedVersion)
            .update() == 1;
    }

    /**
     * One page of customers.
     * @param scope only this customer (everyone but a platform admin), or null for all
     * @param status only customers with this status, or null
     * @param text only customers whose name or code contains this, ignoring case, or null
     */
    KeysetPage<Customer> page(Keyset<Customer> keyset, UUID scope, CustomerStatus status, String text) {
        return keyset.page(new Where().equal("id", scope)
            .equal("status", status)
            .containsText(text, "name", "code")
            .page("SELECT " + COLUMNS + " FROM customer", keyset)
            .on(jdbc)
            .query(CustomerRepository::map)
            .list());
    }

    private static CustomerStatus status(ResultSet row, int index) throws SQLException {
        return CustomerStatus.valueOf(row.getString("status"));
    }

    private static Customer map(ResultSet row, int index) throws SQLException {
        return new Customer(row.getObject("id", UUID.class), row.getString("name"), row.getString("code"),
                row.getString("contact_email"), CustomerStatus.valueOf(row.getString("status")), Stamp.read(row));
    }

}
