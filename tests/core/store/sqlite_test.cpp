#include "common/error.h"
#include "store/sqlite.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

namespace kestrel::store {
namespace {

class SqliteTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
    Database db{dir / "test.db", Database::Mode::ReadWriteCreate};

    void SetUp() override { db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, d REAL)"); }
};

TEST_F(SqliteTest, BindsAndReadsBackTextNumbersAndNull) {
    Statement insert(db, "INSERT INTO t (v, d) VALUES (?1, ?2)");
    insert.bind(1, std::string_view("Kratzer – Ölfleck 傷")).bind(2, 0.25).run();
    insert.bindNull(1).bind(2, -1.5).run();

    Statement select(db, "SELECT v, d FROM t ORDER BY id");
    ASSERT_TRUE(select.step());
    EXPECT_EQ(select.columnText(0), "Kratzer – Ölfleck 傷");
    EXPECT_DOUBLE_EQ(select.columnDouble(1), 0.25);
    ASSERT_TRUE(select.step());
    EXPECT_TRUE(select.isNull(0));
    EXPECT_DOUBLE_EQ(select.columnDouble(1), -1.5);
    EXPECT_FALSE(select.step());
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
    {
        Transaction transaction(db);
        db.execute("INSERT INTO t (v) VALUES ('dropped')");
    }
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM t"), 0);
    {
        Transaction transaction(db);
        db.execute("INSERT INTO t (v) VALUES ('kept')");
        transaction.commit();
    }
    EXPECT_EQ(db.queryText("SELECT v FROM t"), "kept");
}

TEST_F(SqliteTest, ErrorsNameTheDatabaseFile) {
    try {
        db.execute("INSERT INTO missing_table VALUES (1)");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Database);
        EXPECT_NE(std::string(error.what()).find((dir / "test.db").string()), std::string::npos)
            << error.what();
        EXPECT_NE(std::string(error.what()).find("missing_table"), std::string::npos);
    }
}

TEST(SqliteOpenTest, MissingFileWithoutCreateIsAnIoError) {
    kestrel::testing::TempDir dir;
    try {
        Database db(dir / "absent.db", Database::Mode::ReadWrite);
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Io);
        EXPECT_NE(std::string(error.what()).find("absent.db"), std::string::npos);
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
}

} // namespace
} // namespace kestrel::store
