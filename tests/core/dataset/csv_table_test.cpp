#include "common/error.h"
#include "dataset/csv_table.h"
#include "files.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

namespace kestrel::dataset {
namespace {

class CsvTableTest : public ::testing::Test {
protected:
    kestrel::testing::TempDir dir;
    std::vector<CsvRow> read(const std::string& text) {
        kestrel::testing::writeBytes(dir / "labels.csv", text);
        return readCsv(dir / "labels.csv");
    }
};

TEST_F(CsvTableTest, ReadsQuotedFieldsBomAndCrlf) {
    const auto rows = read("\xEF\xBB\xBFpath,label\r\n"
                           "\"dir, with comma/a.png\",scratch\r\n"
                           "\"say \"\"hi\"\".png\",\"multi\nline\"\r\n"
                           "\r\n"
                           "c.png,ok");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"path", "label"}));
    EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"dir, with comma/a.png", "scratch"}));
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"say \"hi\".png", "multi\nline"}));
    EXPECT_EQ(rows[3].fields, (std::vector<std::string>{"c.png", "ok"}));
}

TEST_F(CsvTableTest, RowsKnowTheLineTheyStartOn) {
    const auto rows = read("path,label\n\"a\nb.png\",x\n\nc.png,y\n");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].line, 1);
    EXPECT_EQ(rows[1].line, 2);
    EXPECT_EQ(rows[2].line, 5);
}

TEST_F(CsvTableTest, AnUnclosedQuoteNamesFileAndLine) {
    try {
        read("path,label\na.png,ok\n\"b.png,ok\nc.png,ok\n");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(std::string(error.what()),
                  (dir / "labels.csv").string() + ", line 3: a quoted field is never closed.");
    }
}

} // namespace
} // namespace kestrel::dataset
