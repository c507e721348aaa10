package com.skyriff.data.guard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The select-list scanner that finds window functions and aggregates ShardingSphere cannot merge. */
class StatementGuardTest {

    @Test
    void expression_plainMergedAggregate_isAllowed() {
        assertThat(StatementGuard.expression("count(*)")).isNull();
        assertThat(StatementGuard.expression("sum(score)")).isNull();
        assertThat(StatementGuard.expression("lower(name)")).isNull();
        assertThat(StatementGuard.expression("name || 'count(x)'")).as("inside a literal").isNull();
    }

    @Test
    void expression_aggregateInsideAnExpression_isNamed() {
        assertThat(StatementGuard.expression("count(*) * 2")).startsWith("an aggregate inside an expression (count(*) * 2)");
        assertThat(StatementGuard.expression("COALESCE(max(score), 0)")).startsWith("an aggregate inside an expression");
        assertThat(StatementGuard.expression("sum(score) / count(*)")).startsWith("an aggregate inside an expression");
    }

    @Test
    void expression_aggregateShardingSphereCannotMerge_isNamed() {
        assertThat(StatementGuard.expression("string_agg(name, ',')")).startsWith("string_agg(...) in a SELECT that spans");
        assertThat(StatementGuard.expression("array_agg (user_id ORDER BY user_id)")).startsWith("array_agg(...)");
        assertThat(StatementGuard.expression("percentile_cont(0.5) WITHIN GROUP (ORDER BY score)"))
                .startsWith("percentile_cont(...)");
    }

    @Test
    void expression_windowFunction_isNamed() {
        assertThat(StatementGuard.expression("row_number() OVER (ORDER BY created_at)"))
                .startsWith("a window function (row_number() OVER (ORDER BY created_at))");
        assertThat(StatementGuard.expression("rank() over w")).startsWith("a window function");
        assertThat(StatementGuard.expression("count(*) OVER ()")).startsWith("a window function");
    }
}
