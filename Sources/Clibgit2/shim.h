#ifndef DEPLOYCTL_CLIBGIT2_SHIM_H
#define DEPLOYCTL_CLIBGIT2_SHIM_H

#define GIT_DEPRECATE_HARD
#include <git2.h>
#include <git2/sys/stream.h>

/// `git_libgit2_opts` is variadic and so not callable from Swift; these wrappers expose the options deployctl sets.
static inline int deployctl_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#endif
