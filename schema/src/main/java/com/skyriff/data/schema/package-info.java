/**
 * Internal to SkyRiff Data, not API: what data-core and migrations both need to create month tables the same way
 * (reading table definitions from {@code pg_catalog}, the month-table DDL, the token-level statement rewriting). Plain
 * {@code java.sql}; no dependencies beyond the JDK. Anything here may change in any release.
 */
package com.skyriff.data.schema;
