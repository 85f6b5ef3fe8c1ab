#ifndef DEPLOYCTL_CLIBGIT2_SHIM_H
#define DEPLOYCTL_CLIBGIT2_SHIM_H

#define GIT_DEPRECATE_HARD
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <git2/sys/stream.h>

/// `git_libgit2_opts` is variadic and so not callable from Swift; these wrappers expose the options deployctl sets.
static inline int deployctl_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Turns libgit2's strict checks off: re-hashing every object read, and looking up every object a new tree or commit
/// names before writing it. git itself does neither on ordinary reads and writes (it verifies on transfer and fsck).
static inline int deployctl_git_relax_object_checks(void) {
    int error = git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    if (error < 0) return error;
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
}

#endif
