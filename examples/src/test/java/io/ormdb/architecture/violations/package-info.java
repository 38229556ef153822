/**
 * Classes that break the architecture rules on purpose, one or two per rule, laid out as pretend
 * modules under this package; {@code ArchitectureRulesCatchViolationsTest} checks that each rule
 * reports them. Test-only: the production import never sees them.
 */
package io.ormdb.architecture.violations;
