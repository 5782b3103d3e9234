/**
 * The device registry: register, list, move between environments, release overrides,
 * decommission (with revocation at onboarding), reported state, and what other services
 * report (certificates from onboarding, connectivity from monitoring).
 */
package dev.edp.devicemanagement.device;
