package dev.edp.masterdata.machine;

import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

import dev.edp.platform.web.Labels;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A machine to create ({@code POST}) or the new state of one ({@code PUT}: every member
 * is replaced; {@code customerId} cannot change and may be left out).
 *
 * @param customerId the owning customer: required from a platform admin, otherwise one's
 * own
 * @param name display name
 * @param type {@code INJECTION_MOULDING}, {@code CNC}, {@code ASSEMBLY} or {@code OTHER}
 * @param manufacturer manufacturer
 * @param model model
 * @param serialNumber serial number, unique per customer
 * @param site the site (plant)
 * @param location where in the site
 * @param commissioningDate when it was commissioned (ISO date)
 * @param labels up to 32 free labels: keys of letters, digits and {@code . _ / -} (1 to
 * 63, starting and ending with a letter or digit), values of at most 256 characters
 */
record MachineRequest(UUID customerId, @NotBlank @Size(max = 200) String name,
        @NotNull @Pattern(regexp = "INJECTION_MOULDING|CNC|ASSEMBLY|OTHER",
                message = "must be one of INJECTION_MOULDING, CNC, ASSEMBLY, OTHER") @Schema(
                        implementation = MachineType.class) String type,
        @Size(max = 200) String manufacturer, @Size(max = 200) String model,
        @NotBlank @Size(max = 100) String serialNumber, @Size(max = 200) String site, @Size(max = 200) String location,
        LocalDate commissioningDate,
        @Size(max = 32) Map<@NotNull @Pattern(regexp = Labels.KEY,
                message = "label keys must be 1 to 63 letters, digits or . _ / -,"
                        + " starting and ending with a letter or digit") String, @NotNull @Size(max = 256) @Pattern(
                                regexp = "[^\\p{Cntrl}]*",
                                message = "label values must not contain control characters") String> labels) {
}
