package com.skyriff.data.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

    @Test
    void tokenize_anyInput_joinsBackToTheSameText() {
        String sql = "SELECT 'it''s', E'a\\'b', $$x;y$$, $tag$ $$ $tag$, \"Quoted\"\"Name\", $1 /* a /* nested */ b */ -- end\n;";
        assertThat(SqlLexer.tokenize(sql).stream().map(SqlLexer.Token::text).collect(Collectors.joining())).isEqualTo(sql);
    }

    @Test
    void tokenize_literalsAndComments_areNotWords() {
        assertThat(SqlLexer.tokenize("SELECT 'watch_event' -- watch_event\n /* watch_event */ FROM watch_event")
                .stream().filter(t -> t.kind() == SqlLexer.Kind.WORD).map(SqlLexer.Token::text))
                .containsExactly("SELECT", "FROM", "watch_event");
    }

    @Test
    void tokenize_quotedIdentifier_resolvesExactly() {
        SqlLexer.Token t = SqlLexer.tokenize("\"Watch\"\"Event\"").get(0);
        assertThat(t.kind()).isEqualTo(SqlLexer.Kind.QUOTED);
        assertThat(t.identifier()).isEqualTo("Watch\"Event");
        assertThat(SqlLexer.tokenize("Watch_Event").get(0).identifier()).isEqualTo("watch_event");
    }

    @Test
    void tokenize_positionalParameter_isNotADollarQuote() {
        assertThat(SqlLexer.tokenize("a = $1 AND b = $2").stream().filter(t -> t.kind() == SqlLexer.Kind.STRING)).isEmpty();
    }

    @Test
    void split_semicolonsInsideLiteralsAndBodies_doNotSplit() {
        String script = """
                -- a comment only
                CREATE TABLE a (x text DEFAULT ';');
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;
                /* trailing */ ;
                CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
                SELECT 1
                """;
        assertThat(SqlLexer.split(script)).containsExactly(
                "-- a comment only\nCREATE TABLE a (x text DEFAULT ';')",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$",
                "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
                "SELECT 1");
    }
}
