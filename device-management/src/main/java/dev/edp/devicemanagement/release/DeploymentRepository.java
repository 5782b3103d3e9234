package dev.edp.devicemanagement.release;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.devicemanagement.device.Environment;
import dev.edp.devicemanagement.support.Approval;
import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.devicemanagement.support.FourEyes;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Keyset;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.platform.web.KeysetSorts;
import dev.edp.platform.web.Where;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Applications, releases, environment pins and promotions, in plain SQL. */
@Repository
class DeploymentRepository {

    /** By name. */
    static final KeysetSorts<DeploymentResponses.Application> APPLICATION_ORDER = KeysetSorts
        .of(DeploymentResponses.Application::id, "name")
        .text("name", "name", DeploymentResponses.Application::name);

    /** Newest first. */
    static final KeysetSorts<DeploymentResponses.Release> RELEASE_ORDER = KeysetSorts
        .of(DeploymentResponses.Release::id, "-createdAt")
        .timestamp("createdAt", "created_at", DeploymentResponses.Release::createdAt);

    /** Newest first. */
    static final KeysetSorts<DeploymentResponses.Promotion> PROMOTION_ORDER = KeysetSorts
        .of(DeploymentResponses.Promotion::id, "-requestedAt")
        .timestamp("requestedAt", "requested_at", promotion -> promotion.approval().requestedAt());

    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };

    private final JdbcClient jdbc;

    private final JsonMapper json;

    DeploymentRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    // --- applications

    void insertApplication(DeploymentResponses.Application app) {
        try {
            jdbc.sql("""
                    INSERT INTO application (id, customer_id, name, image_repository, ports, env, volumes,
                                             restart_policy, version, created_at, created_by, updated_at, updated_by)
                    VALUES (:id, :customerId, :name, :repo, CAST(:ports AS jsonb), CAST(:env AS jsonb),
                            CAST(:volumes AS jsonb), :restart, :version, :createdAt, :createdBy, :updatedAt,
                            :updatedBy)
                    """)
                .param("id", app.id())
                .param("customerId", app.customerId())
                .param("name", app.name())
                .param("repo", app.imageRepository())
                .param("ports", json.writeValueAsString(app.ports()))
                .param("env", json.writeValueAsString(app.env()))
                .param("volumes", json.writeValueAsString(app.volumes()))
                .param("restart", app.restartPolicy())
                .params(app.stamp().params())
                .update();
        }
        catch (DuplicateKeyException ex) {
            throw DeviceManagementProblem.APPLICATION_NAME_TAKEN
                .exception("The customer already has an application named '" + app.name() + "'.");
        }
    }

    Optional<DeploymentResponses.Application> findApplication(UUID id) {
        return jdbc.sql("SELECT * FROM application WHERE id = :id").param("id", id).query(this::application).optional();
    }

    KeysetPage<DeploymentResponses.Application> applications(Keyset<DeploymentResponses.Application> keyset,
            UUID scope) {
        return keyset.page(page("application", keyset, scope).query(this::application).list());
    }

    // --- releases

    void insertRelease(DeploymentResponses.Release release) {
        try {
            jdbc.sql("""
                    INSERT INTO release (id, customer_id, name, containers, created_at, created_by)
                    VALUES (:id, :customerId, :name, CAST(:containers AS jsonb), :at, :by)
                    """)
                .param("id", release.id())
                .param("customerId", release.customerId())
                .param("name", release.name())
                .param("containers", json.writeValueAsString(release.containers()))
                .param("at", KeysetQuery.timestamp(release.createdAt()))
                .param("by", release.createdBy())
                .update();
        }
        catch (DuplicateKeyException ex) {
            throw DeviceManagementProblem.RELEASE_NAME_TAKEN
                .exception("The customer already has a release named '" + release.name() + "'.");
        }
    }

    Optional<DeploymentResponses.Release> findRelease(UUID id) {
        return jdbc.sql("SELECT * FROM release WHERE id = :id").param("id", id).query(this::release).optional();
    }

    KeysetPage<DeploymentResponses.Release> releases(Keyset<DeploymentResponses.Release> keyset, UUID scope) {
        return keyset.page(page("release", keyset, scope).query(this::release).list());
    }

    // --- pins

    List<DeploymentResponses.Pin> pins(UUID customerId) {
        return jdbc.sql("""
                SELECT p.*, r.name AS release_name FROM environment_pin p JOIN release r ON r.id = p.release_id
                WHERE p.customer_id = :customerId ORDER BY p.environment
                """).param("customerId", customerId).query(this::pin).list();
    }

    /**
     * Locks the pin row (if any) so that pinning and approving against it are serialized.
     */
    Optional<DeploymentResponses.Pin> lockPin(UUID customerId, Environment environment) {
        return jdbc.sql("""
                SELECT p.*, r.name AS release_name FROM environment_pin p JOIN release r ON r.id = p.release_id
                WHERE p.customer_id = :customerId AND p.environment = :environment FOR UPDATE OF p
                """)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .query(this::pin)
            .optional();
    }

    boolean wasPinned(UUID customerId, Environment environment, UUID releaseId) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM promotion WHERE customer_id = :customerId
                               AND target_environment = :environment AND release_id = :releaseId
                               AND status = 'APPROVED')
                """)
            .param("customerId", customerId)
            .param("environment", environment.name())
            .param("releaseId", releaseId)
            .query(Boolean.class)
            .single();
    }

    // --- promotions

    void insertPromotion(DeploymentResponses.Promotion p, String requestedBySubject) {
        jdbc.sql("""
                INSERT INTO promotion (id, customer_id, target_environment, basis_environment, basis_revision,
                                       release_id, rollback, status, requested_by, requested_by_subject, requested_at,
                                       rollout_plan)
                VALUES (:id, :customerId, :target, :basis, :revision, :releaseId, :rollback, 'REQUESTED', :by,
                        :subject, :at, CAST(:plan AS jsonb))
                """)
            .param("plan", p.rollout() == null ? null : json.writeValueAsString(p.rollout()))
            .param("id", p.id())
            .param("customerId", p.customerId())
            .param("target", p.targetEnvironment().name())
            .param("basis", p.basisEnvironment().name())
            .param("revision", p.basisRevision())
            .param("releaseId", p.releaseId())
            .param("rollback", p.rollback())
            .param("by", p.approval().requestedBy())
            .param("subject", requestedBySubject)
            .param("at", KeysetQuery.timestamp(p.approval().requestedAt()))
            .update();
    }

    /** A promotion, locked, with the subject of its requester. */
    record Locked(DeploymentResponses.Promotion promotion, String requestedBySubject) {
    }

    Optional<Locked> lockPromotion(UUID id) {
        return jdbc.sql("SELECT * FROM promotion WHERE id = :id FOR UPDATE")
            .param("id", id)
            .query((row, index) -> new Locked(promotion(row, index), row.getString("requested_by_subject")))
            .optional();
    }

    Optional<DeploymentResponses.Promotion> findPromotion(UUID id) {
        return jdbc.sql("SELECT * FROM promotion WHERE id = :id").param("id", id).query(this::promotion).optional();
    }

    void decide(UUID id, boolean approve, Tenant decider, Instant at, String reason) {
        FourEyes.record(jdbc, "promotion", id, approve, decider, at, reason);
    }

    KeysetPage<DeploymentResponses.Promotion> promotions(Keyset<DeploymentResponses.Promotion> keyset, UUID scope) {
        return keyset.page(page("promotion", keyset, scope).query(this::promotion).list());
    }

    // --- mapping

    /** A page of a table's rows, of one customer ({@code scope}) or all (null). */
    private JdbcClient.StatementSpec page(String table, Keyset<?> keyset, UUID scope) {
        return new Where().equal("customer_id", scope).page("SELECT * FROM " + table, keyset).on(jdbc);
    }

    private DeploymentResponses.Application application(ResultSet row, int index) throws SQLException {
        return new DeploymentResponses.Application(row.getObject("id", UUID.class),
                row.getObject("customer_id", UUID.class), row.getString("name"), row.getString("image_repository"),
                json.readValue(row.getString("ports"), LIST), json.readValue(row.getString("env"), MAP),
                json.readValue(row.getString("volumes"), LIST), row.getString("restart_policy"), Stamp.read(row));
    }

    private DeploymentResponses.Release release(ResultSet row, int index) throws SQLException {
        return new DeploymentResponses.Release(row.getObject("id", UUID.class),
                row.getObject("customer_id", UUID.class), row.getString("name"),
                json.readTree(row.getString("containers")), instant(row, "created_at"), row.getString("created_by"));
    }

    private DeploymentResponses.Pin pin(ResultSet row, int index) throws SQLException {
        return new DeploymentResponses.Pin(row.getObject("customer_id", UUID.class),
                Environment.valueOf(row.getString("environment")), row.getObject("release_id", UUID.class),
                row.getString("release_name"), row.getLong("revision"), instant(row, "pinned_at"),
                row.getString("pinned_by"));
    }

    private DeploymentResponses.Promotion promotion(ResultSet row, int index) throws SQLException {
        return new DeploymentResponses.Promotion(row.getObject("id", UUID.class),
                row.getObject("customer_id", UUID.class), Environment.valueOf(row.getString("target_environment")),
                Environment.valueOf(row.getString("basis_environment")), row.getLong("basis_revision"),
                row.getObject("release_id", UUID.class), row.getBoolean("rollback"), Approval.read(row),
                row.getString("rollout_plan") == null ? null : json.readTree(row.getString("rollout_plan")),
                row.getObject("rollout_id", UUID.class));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

}
