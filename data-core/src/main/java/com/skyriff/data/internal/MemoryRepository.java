package com.skyriff.data.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.shardingsphere.mode.repository.standalone.StandalonePersistRepository;

/**
 * ShardingSphere's standalone configuration and metadata repository, held in this data source's memory: what its
 * {@code JDBC} repository over an in-memory H2 database did (each data source its own), without starting H2 and
 * without one SQL statement per node. It keeps that repository's semantics: {@link #persist} creates missing parent
 * nodes with empty values, {@link #query} of a missing key is {@code ""}, {@link #getChildrenKeys} lists the last
 * path segments of the direct children in reverse order, {@link #delete} removes every key that starts with the given
 * one. ShardingSphere finds it by its type, {@value #TYPE} (META-INF/services). Not API. Thread-safe (synchronized:
 * it is written at startup and when the metadata changes, never per statement).
 */
public final class MemoryRepository implements StandalonePersistRepository {
    /** The repository type to name in {@code StandalonePersistRepositoryConfiguration}. */
    public static final String TYPE = "SKYRIFF_MEMORY";
    private static final String SEPARATOR = "/";

    private final NavigableMap<String, String> values = new TreeMap<>();
    private final Map<String, String> parents = new HashMap<>();
    private final Map<String, Set<String>> children = new HashMap<>();

    @Override
    public void init(Properties props) {
        // nothing to start
    }

    @Override
    public synchronized String query(String key) {
        String value = values.get(key);
        return value == null ? "" : value;
    }

    @Override
    public synchronized List<String> getChildrenKeys(String key) {
        Set<String> keys = children.get(key);
        if (keys == null) {
            return new ArrayList<>();
        }
        List<String> out = new ArrayList<>(keys.size());
        for (String child : keys) {
            if (!child.isEmpty()) {
                out.add(child.substring(child.lastIndexOf(SEPARATOR) + 1));
            }
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    @Override
    public synchronized boolean isExisted(String key) {
        return values.containsKey(key);
    }

    @Override
    public synchronized void persist(String key, String value) {
        if (values.containsKey(key)) {
            values.put(key, value);
            return;
        }
        String prefix = "";
        String parent = SEPARATOR;
        String[] paths = key.split(SEPARATOR);
        int last = paths.length - 1;
        while (last >= 0 && paths[last].isEmpty()) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            if (paths[i].isEmpty()) {
                continue;
            }
            String node = prefix + SEPARATOR + paths[i];
            if (!values.containsKey(node)) {
                insert(node, "", parent);
            }
            prefix = node;
            parent = node;
        }
        insert(key, value, parent);
    }

    private void insert(String key, String value, String parent) {
        values.put(key, value);
        parents.put(key, parent);
        children.computeIfAbsent(parent, p -> new LinkedHashSet<>()).add(key);
    }

    @Override
    public synchronized void update(String key, String value) {
        if (values.containsKey(key)) {
            values.put(key, value);
        }
    }

    @Override
    public synchronized void delete(String key) {
        List<String> doomed = new ArrayList<>(values.tailMap(key, true).keySet().stream()
                .takeWhile(k -> k.startsWith(key)).toList());
        for (String k : doomed) {
            values.remove(k);
            String parent = parents.remove(k);
            Set<String> siblings = parent == null ? null : children.get(parent);
            if (siblings != null) {
                siblings.remove(k);
            }
            children.remove(k);
        }
    }

    @Override
    public synchronized void close() {
        values.clear();
        parents.clear();
        children.clear();
    }

    @Override
    public String getType() {
        return TYPE;
    }
}
