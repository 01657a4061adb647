#include "dataset/image_probe.h"
#include "files.h"
#include "images.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

namespace kestrel::dataset {
namespace {

using kestrel::testing::patternImage;

std::string encode(const std::string& extension, const cv::Mat& image) {
    std::vector<unsigned char> bytes;
    EXPECT_TRUE(cv::imencode(extension, image, bytes)) << extension;
    return std::string(bytes.begin(), bytes.end());
}

// A JPEG with an EXIF APP1 segment whose Orientation tag is `orientation` (6: rotate 90°).
std::string jpegWithOrientation(const cv::Mat& image, std::uint16_t orientation) {
    const std::string jpeg = encode(".jpg", image);
    std::string tiff("II*\0\x08\0\0\0", 8);             // little-endian, IFD at 8
    tiff += std::string("\x01\0", 2);                   // one entry
    tiff += std::string("\x12\x01\x03\0\x01\0\0\0", 8); // tag 0x0112, SHORT, count 1
    tiff += std::string(1, static_cast<char>(orientation)) + std::string("\0\0\0", 3);
    tiff += std::string("\0\0\0\0", 4); // no next IFD
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const std::size_t length = payload.size() + 2;
    const std::string app1 = std::string("\xFF\xE1", 2) + static_cast<char>(length >> 8) +
                             static_cast<char>(length & 0xFF) + payload;
    return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

TEST(ImageProbeTest, RecognisesImageExtensionsInAnyCase) {
    for (const char* name :
         {"a.png", "b.PNG", "c.JpEg", "d.jpg", "e.bmp", "f.TIF", "g.tiff", "h.webp"}) {
        EXPECT_TRUE(hasImageExtension(name)) << name;
    }
    for (const char* name : {"notes.txt", "labels.csv", "png", ".hidden", "model.pt"}) {
        EXPECT_FALSE(hasImageExtension(name)) << name;
    }
}

TEST(ImageProbeTest, DecodesEveryFormatWithItsSizeAndChannels) {
    const struct {
        const char* extension;
        int type;
        int channels;
    } cases[] = {{".png", CV_8UC3, 3},  {".png", CV_8UC1, 1},  {".png", CV_16UC1, 1},
                 {".jpg", CV_8UC3, 3},  {".bmp", CV_8UC3, 3},  {".tif", CV_8UC3, 3},
                 {".tif", CV_16UC1, 1}, {".webp", CV_8UC3, 3}, {".png", CV_8UC4, 3}};
    for (const auto& c : cases) {
        const ImageProbe probe = probeImage(encode(c.extension, patternImage(37, 23, c.type, 1)));
        EXPECT_TRUE(probe.readable) << c.extension << " " << probe.reason;
        EXPECT_EQ(probe.width, 37) << c.extension;
        EXPECT_EQ(probe.height, 23) << c.extension;
        EXPECT_EQ(probe.channels, c.channels) << c.extension << " type " << c.type;
    }
}

TEST(ImageProbeTest, HonoursExifOrientation) {
    const ImageProbe upright = probeImage(jpegWithOrientation(patternImage(40, 20, CV_8UC3, 2), 1));
    EXPECT_EQ(upright.width, 40);
    const ImageProbe turned = probeImage(jpegWithOrientation(patternImage(40, 20, CV_8UC3, 2), 6));
    ASSERT_TRUE(turned.readable) << turned.reason;
    EXPECT_EQ(turned.width, 20);
    EXPECT_EQ(turned.height, 40);
}

TEST(ImageProbeTest, SaysWhyAFileIsUnreadable) {
    EXPECT_EQ(probeImage("").reason, "the file is empty");
    EXPECT_EQ(probeImage("label,path\nok,a.png\n").reason, "not an image (unrecognised content)");
    const std::string png = encode(".png", patternImage(64, 64, CV_8UC3, 3));
    const ImageProbe truncated = probeImage(png.substr(0, png.size() / 2));
    EXPECT_FALSE(truncated.readable);
    EXPECT_EQ(truncated.reason, "the image data is truncated or corrupt");
    const ImageProbe headerOnly = probeImage(png.substr(0, 12));
    EXPECT_FALSE(headerOnly.readable);
}

TEST(ImageProbeTest, AcceptsAnImageWhoseExtensionLies) {
    // A PNG saved as .jpg is still a good image: the content decides.
    const ImageProbe probe = probeImage(encode(".png", patternImage(8, 9, CV_8UC3, 4)));
    EXPECT_TRUE(probe.readable);
}

} // namespace
} // namespace kestrel::dataset
