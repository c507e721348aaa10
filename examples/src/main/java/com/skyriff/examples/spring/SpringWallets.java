package com.skyriff.examples.spring;

import com.skyriff.examples.service.InsufficientFundsException;
import com.skyriff.examples.service.Mappers;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.transaction.annotation.Transactional;

/** The wallet debit written the Spring way: one {@code @Transactional} method, one shard, the primary. */
public class SpringWallets {
    private final Mappers.WalletMapper wallets;

    public SpringWallets(Mappers.WalletMapper wallets) {
        this.wallets = wallets;
    }

    @Transactional
    public BigDecimal debit(long userId, BigDecimal amount) {
        BigDecimal balance = wallets.balanceForUpdate(userId);
        if (balance == null || balance.compareTo(amount) < 0) {
            throw new InsufficientFundsException(userId, balance == null ? BigDecimal.ZERO : balance, amount);
        }
        BigDecimal after = balance.subtract(amount);
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        wallets.setBalance(userId, after, at);
        wallets.append(userId, amount.negate(), after, "debit", at);
        return after;
    }

    @Transactional
    public boolean readsInsideTransactionHitThePrimary(long userId) {
        return wallets.balanceOnWhichServer(userId);
    }

    public boolean readsOutsideTransactionHitAReplica(long userId) {
        return wallets.balanceOnWhichServer(userId);
    }
}
