package com.skyriff.data.spring.boot.readme;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

// tag::readme[]
@Service
public class Users {
    private final UserMapper mapper;

    public Users(UserMapper mapper) {
        this.mapper = mapper;
    }

    public User find(long userId) {
        return mapper.findById(userId);                        // the cache, else a replica
    }

    @Transactional                                             // one transaction on the user's shard primary
    public User rename(long userId, String handle) {
        mapper.rename(userId, handle);
        return mapper.findFresh(userId);
    }
}
// end::readme[]
