package com.skyriff.examples.service;

import java.math.BigDecimal;

/** A debit larger than the wallet's balance; nothing was changed. */
public final class InsufficientFundsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InsufficientFundsException(long userId, BigDecimal balance, BigDecimal amount) {
        super("wallet of user " + userId + " - debit of " + amount.toPlainString() + " refused: balance is "
                + balance.toPlainString());
    }
}
