#include "store/sqlite.h"

#include "common/error.h"

#include <utility>

#include <sqlite3.h>

namespace kestrel::store {

namespace {

ErrorKind kindFor(int code) {
    switch (code & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return ErrorKind::Corrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return ErrorKind::Io;
    default:
        return ErrorKind::Database;
    }
}

std::string reasonFor(int code, sqlite3* db) {
    switch (code & 0xff) {
    case SQLITE_NOTADB:
        return "the file is not an SQLite database";
    case SQLITE_CORRUPT:
        return "the database is damaged";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "another process holds the database locked";
    case SQLITE_FULL:
        return "the disk is full";
    case SQLITE_READONLY:
        return "the file is read-only";
    default:
        return db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    }
}

} // namespace

Database::Database(const std::filesystem::path& file, Mode mode) : file_(file) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (mode == Mode::ReadWriteCreate) {
        flags |= SQLITE_OPEN_CREATE;
    }
    const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        // sqlite3_open_v2 allocates a handle even on failure; release it after reading why.
        std::string reason = reasonFor(rc, db_);
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(kindFor(rc), "Cannot open " + file.string() + ": " + reason + ".");
    }
    sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
    if (db_) {
        sqlite3_close_v2(db_);
    }
}

Database::Database(Database&& other) noexcept
    : file_(std::move(other.file_)), db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (db_) {
            sqlite3_close_v2(db_);
        }
        file_ = std::move(other.file_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

void Database::fail(int code, std::string_view doing) const {
    throw Error(kindFor(code), "Cannot " + std::string(doing) + " in " + file_.string() + ": " +
                                   reasonFor(code, db_) + ".");
}

void Database::execute(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message); // sqlite3_errmsg() still holds the same text for fail()
    if (rc != SQLITE_OK) {
        fail(rc, "run \"" + text.substr(0, 60) + "\"");
    }
}

std::int64_t Database::queryInt(std::string_view sql) {
    Statement statement(*this, sql);
    return statement.step() ? statement.columnInt(0) : 0;
}

std::string Database::queryText(std::string_view sql) {
    Statement statement(*this, sql);
    return statement.step() ? statement.columnText(0) : std::string();
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(db_);
}

Statement& StatementCache::prepared(std::string_view sql) {
    auto& slot = statements_[sql];
    if (!slot) {
        slot = std::make_unique<Statement>(db_, sql);
    } else {
        slot->reset();
    }
    return *slot;
}

std::int64_t Database::changes() const {
    return sqlite3_changes(db_);
}

Statement::Statement(Database& db, std::string_view sql) : db_(db) {
    const int rc =
        sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        db_.fail(rc, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) {
        db_.fail(rc, "bind parameter " + std::to_string(index));
    }
    return *this;
}

Statement& Statement::bind(int index, double value) {
    const int rc = sqlite3_bind_double(stmt_, index, value);
    if (rc != SQLITE_OK) {
        db_.fail(rc, "bind parameter " + std::to_string(index));
    }
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                       SQLITE_UTF8);
    if (rc != SQLITE_OK) {
        db_.fail(rc, "bind parameter " + std::to_string(index));
    }
    return *this;
}

Statement& Statement::bindNull(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) {
        db_.fail(rc, "bind parameter " + std::to_string(index));
    }
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const std::string sql = sqlite3_sql(stmt_);
    sqlite3_reset(stmt_);
    db_.fail(rc, "run \"" + sql.substr(0, 60) + "\"");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::optional<std::int64_t> Statement::firstInt() {
    std::optional<std::int64_t> value;
    if (step()) {
        value = columnInt(0);
    }
    reset();
    return value;
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::columnDouble(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::string Statement::columnText(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (!text) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Transaction::Transaction(Database& db) : db_(db) {
    db_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (open_) {
        // A failed rollback leaves SQLite to roll back when the connection closes; a
        // destructor must not throw, so the error is dropped here on purpose.
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    db_.execute("COMMIT");
    open_ = false;
}

} // namespace kestrel::store
