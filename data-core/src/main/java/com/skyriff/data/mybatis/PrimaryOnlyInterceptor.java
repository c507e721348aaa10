package com.skyriff.data.mybatis;

import com.skyriff.data.PrimaryScope;
import java.util.Set;
import org.apache.ibatis.cache.CacheKey;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;

/** Runs the queries of primary-only statements inside a {@link PrimaryScope}. The set is fixed at build time. */
@Intercepts({
        @Signature(type = Executor.class, method = "query",
                args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class}),
        @Signature(type = Executor.class, method = "query",
                args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class, CacheKey.class,
                        BoundSql.class})})
final class PrimaryOnlyInterceptor implements Interceptor {
    private final Set<String> statementIds;

    PrimaryOnlyInterceptor(Set<String> statementIds) {
        this.statementIds = Set.copyOf(statementIds);
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        MappedStatement ms = (MappedStatement) invocation.getArgs()[0];
        if (!statementIds.contains(ms.getId())) {
            return invocation.proceed();
        }
        try (PrimaryScope scope = PrimaryScope.open()) {
            return invocation.proceed();
        }
    }
}
