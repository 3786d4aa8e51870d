// A small RAII wrapper over the sqlite3 C API: a Database handle and prepared Statements with
// typed binds and columns. Errors are returned as text (sqlite3_errmsg), never thrown.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"

namespace normwatch::collector {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, as in SQL text (?1, ?2 ...).
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);  // copied by SQLite
  void bind_null(int index);
  void bind_optional(int index, std::string_view text);  // "" binds NULL

  // true: a row is ready; false: done. Errors come back through the Result.
  core::Result<bool, std::string> step();
  core::Result<void, std::string> run();  // step to done, then reset
  void reset();
  bool prepared() const { return stmt_ != nullptr; }

  std::int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string_view column_text(int index) const;  // "" for NULL
  bool column_is_null(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  static core::Result<Database, std::string> open(const std::filesystem::path& path, bool read_only);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  core::Result<void, std::string> exec(std::string_view sql);
  core::Result<Statement, std::string> prepare(std::string_view sql);
  // First column of the first row as an integer (nullopt: no row or error).
  std::optional<std::int64_t> scalar(std::string_view sql);
  std::int64_t changes() const { return sqlite3_changes(db_); }
  std::string error() const { return sqlite3_errmsg(db_); }
  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace normwatch::collector
