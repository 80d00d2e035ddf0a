package io.queen.auth;

import java.util.Set;

/** What a route requires of a caller's token (spec 3.20). */
public enum AccessLevel {
    PUBLIC, READ_ONLY, READ_WRITE, ADMIN;

    /** Roles a token may carry, named by JWT_ROLE_ADMIN, JWT_ROLE_READ_WRITE, JWT_ROLE_READ_ONLY. */
    public enum Role { ADMIN, READ_WRITE, READ_ONLY }

    public boolean allows(Set<Role> roles) {
        return switch (this) {
            case PUBLIC -> true;
            case READ_ONLY -> !roles.isEmpty();
            case READ_WRITE -> roles.contains(Role.ADMIN) || roles.contains(Role.READ_WRITE);
            case ADMIN -> roles.contains(Role.ADMIN);
        };
    }
}
