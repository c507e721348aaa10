package com.skyriff.data.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parse_nestedDocument_keepsKeyOrderAndTypes() {
        Object v = Json.parse("{\"b\": [1, 2.5e3, -0.5], \"a\": {\"s\": \"x\\\"y\\u00e9\", \"t\": true, \"n\": null}}");

        Map<String, Object> root = asMap(v);
        assertThat(root.keySet()).containsExactly("b", "a");
        assertThat(root.get("b")).isEqualTo(List.of(1.0, 2500.0, -0.5));
        Map<String, Object> a = asMap(root.get("a"));
        assertThat(a).containsEntry("s", "x\"y\u00e9").containsEntry("t", true).containsEntry("n", null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object v) {
        assertThat(v).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    @Test
    void parse_trailingGarbage_throwsWithOffset() {
        assertThatThrownBy(() -> Json.parse("[1] x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JSON at offset 4: unexpected text after the value");
    }

    @Test
    void parse_unterminatedArray_throws() {
        assertThatThrownBy(() -> Json.parse("[1, 2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JSON at offset 5: unexpected end of input");
    }
}
