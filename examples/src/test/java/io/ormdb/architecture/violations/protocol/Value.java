package io.ormdb.architecture.violations.protocol;

/** An allowed class of the pretend protocol module: it uses nothing. */
public record Value(long number) {}
