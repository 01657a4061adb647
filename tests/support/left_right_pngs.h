#pragma once

// The left/right task for the Qt tests, written with QImage: 16x16 gray images whose bright
// half says the class, with noise, in train/, val/ and test/ folders of class folders. A
// small CNN learns it in a few epochs; chance is 50%.
#include <filesystem>
#include <string>

#include <QImage>
#include <QTest>

namespace kestrel::testing {

inline void writeLeftRightPngs(const std::filesystem::path& source, int trainPerClass = 40) {
    int written = 0;
    unsigned noise = 7;
    for (const char* split : {"train", "val", "test"}) {
        const int count = std::string(split) == "train" ? trainPerClass : trainPerClass / 4;
        for (const char* label : {"left", "right"}) {
            const std::filesystem::path folder = source / split / label;
            std::filesystem::create_directories(folder);
            for (int i = 0; i < count; ++i) {
                QImage image(16, 16, QImage::Format_Grayscale8);
                for (int y = 0; y < 16; ++y) {
                    for (int x = 0; x < 16; ++x) {
                        noise = noise * 1103515245u + 12345u;
                        const bool bright = (x < 8) == (std::string(label) == "left");
                        const int value = (bright ? 170 : 85) + static_cast<int>(noise >> 26) - 32;
                        image.setPixel(x, y, qRgb(value, value, value));
                    }
                }
                const auto file = folder / (std::to_string(written++) + ".png");
                QVERIFY(image.save(QString::fromStdString(file.string())));
            }
        }
    }
}

} // namespace kestrel::testing
