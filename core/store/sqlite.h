#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace kestrel::store {

// A thin RAII layer over the SQLite C API: one connection, prepared statements, and
// transactions. Errors become kestrel::Error with a sentence naming the database file.
class Database {
public:
    enum class Mode { ReadWrite, ReadWriteCreate };

    Database(const std::filesystem::path& file, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;

    // Runs one or more statements that return no rows we need.
    void execute(std::string_view sql);
    // Runs a query whose first column of the first row is an integer (PRAGMA, COUNT(*)).
    std::int64_t queryInt(std::string_view sql);
    std::string queryText(std::string_view sql);

    std::int64_t lastInsertRowId() const;
    // Rows the last INSERT, UPDATE or DELETE changed.
    std::int64_t changes() const;
    const std::filesystem::path& file() const { return file_; }
    sqlite3* handle() const { return db_; }

    // Throws the Error matching `code` for an operation described by `doing`.
    [[noreturn]] void fail(int code, std::string_view doing) const;

private:
    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bindNull(int index);

    // Advances to the next row; false when there are no more rows.
    bool step();
    // Runs a statement that returns no rows, then resets it for reuse.
    void run();
    void reset();
    // Steps once: the first row's first column as an integer (none when there is no row);
    // then resets.
    std::optional<std::int64_t> firstInt();

    bool isNull(int column) const;
    std::int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;

private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Statements prepared on first use and reset for each later one, for as long as the cache
// lives: repositories whose methods run in loops (imports, edits) keep one. `sql` must
// outlive the cache (string literals do), as it is the key.
class StatementCache {
public:
    explicit StatementCache(Database& db) : db_(db) {}
    Statement& prepared(std::string_view sql);

private:
    Database& db_;
    std::unordered_map<std::string_view, std::unique_ptr<Statement>> statements_;
};

// BEGIN IMMEDIATE on construction (take the write lock up front so a busy database fails
// before any work is done), ROLLBACK on destruction unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    Database& db_;
    bool open_ = true;
};

} // namespace kestrel::store
