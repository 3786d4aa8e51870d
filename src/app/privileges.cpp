// drop_privileges: setgroups/setresgid/setresuid from root to an unprivileged account. The kernel
// clears the permitted, effective and ambient capability sets when every uid leaves 0
// (capabilities(7), "Effect of user ID changes on capabilities"), so nothing else keeps CAP_NET_RAW;
// the capture socket stays open and usable because it was opened before.
#include "privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace normwatch::app {

namespace {

struct Account {
  uid_t uid;
  gid_t gid;
};

// getpwnam_r: 0 found, 1 absent, -1 lookup error.
int look_up(const std::string& name, Account& out) {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  const int rc = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0) return -1;
  if (found == nullptr) return 1;
  out = Account{found->pw_uid, found->pw_gid};
  return 0;
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

core::Result<std::string, std::string> drop_privileges(const std::string& user) {
  if (geteuid() != 0) return std::string();
  if (user == "root") return std::string("running as root (--user root)");
  const std::string name = user.empty() ? kDefaultRunUser : user;
  Account account{};
  const int found = look_up(name, account);
  if (found != 0) {
    if (user.empty() && found == 1) {
      return std::string("warning: running as root: no user '") + kDefaultRunUser +
             "' to drop to (create it, or name one with --user)";
    }
    return core::unexpected(found == 1 ? "--user: no such user '" + name + "'"
                                       : errno_text(("cannot look up user '" + name + "'").c_str()));
  }
  if (account.uid == 0) return core::unexpected("--user: '" + name + "' is root; name an unprivileged user");
  if (setgroups(1, &account.gid) != 0) return core::unexpected(errno_text("setgroups"));
  if (setresgid(account.gid, account.gid, account.gid) != 0) return core::unexpected(errno_text("setresgid"));
  if (setresuid(account.uid, account.uid, account.uid) != 0) return core::unexpected(errno_text("setresuid"));
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return core::unexpected(errno_text("prctl(PR_SET_NO_NEW_PRIVS)"));
  // Belt and braces: a switch that could be undone is no switch.
  if (setuid(0) == 0 || geteuid() == 0) return core::unexpected("still able to regain root after dropping to '" + name + "'");
  return "running as user " + name + " (uid " + std::to_string(account.uid) + ", gid " +
         std::to_string(account.gid) + ") without capabilities; the capture stays open";
}

}  // namespace normwatch::app
