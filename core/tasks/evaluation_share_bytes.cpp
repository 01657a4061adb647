#include "tasks/evaluation_share_bytes.h"

#include "common/error.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace kestrel::tasks {

namespace {

// Bumped when the layout changes; ranks of different builds refuse each other's shares.
constexpr std::uint32_t kLayout = 0x4b455301; // "KES" 1

class Writer {
public:
    template <typename T>
    void put(T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        const auto* bytes = reinterpret_cast<const char*>(&value);
        out_.append(bytes, sizeof(T));
    }
    template <typename T>
    void putAll(const std::vector<T>& values) {
        put<std::uint64_t>(values.size());
        for (const T& value : values) {
            put(value);
        }
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

class Reader {
public:
    explicit Reader(const std::string& in) : in_(in) {}

    template <typename T>
    T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        if (in_.size() - at_ < sizeof(T)) {
            cutShort();
        }
        T value;
        std::memcpy(&value, in_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return value;
    }
    // A count of entries of at least `entryBytes` each, checked against what is left, so a
    // damaged count cannot ask for a huge allocation.
    std::size_t count(std::size_t entryBytes) {
        const auto n = get<std::uint64_t>();
        if (n > (in_.size() - at_) / entryBytes) {
            cutShort();
        }
        return static_cast<std::size_t>(n);
    }
    template <typename T>
    std::vector<T> getAll() {
        std::vector<T> values(count(sizeof(T)));
        for (T& value : values) {
            value = get<T>();
        }
        return values;
    }
    bool done() const { return at_ == in_.size(); }

    [[noreturn]] static void cutShort() {
        throw Error(ErrorKind::Corrupt,
                    "A rank's evaluation share is damaged or from another Kestrel build.");
    }

private:
    const std::string& in_;
    std::size_t at_ = 0;
};

void putBox(Writer& out, const inspection::CocoBox& box) {
    out.put(box.x);
    out.put(box.y);
    out.put(box.width);
    out.put(box.height);
}

inspection::CocoBox getBox(Reader& in) {
    inspection::CocoBox box;
    box.x = in.get<double>();
    box.y = in.get<double>();
    box.width = in.get<double>();
    box.height = in.get<double>();
    return box;
}

} // namespace

std::string toBytes(const EvaluationShare& share) {
    Writer out;
    out.put(kLayout);
    out.put(share.lossSum);
    out.put(share.seen);
    out.put<std::uint64_t>(share.predictions.size());
    for (const Prediction& prediction : share.predictions) {
        out.put<std::uint64_t>(prediction.sample);
        out.put(prediction.truth);
        out.put(prediction.predicted);
        out.put(prediction.confidence);
        out.putAll(prediction.pixels);
    }
    out.putAll(share.positiveScores);
    out.put<std::uint64_t>(share.areas.size());
    for (const inspection::ImageAreas& areas : share.areas) {
        out.putAll(areas.truth);
        out.putAll(areas.predicted);
    }
    out.put<std::uint64_t>(share.truthBoxes.size());
    for (const inspection::TruthBox& box : share.truthBoxes) {
        out.put(box.image);
        out.put(box.category);
        putBox(out, box.box);
        out.put<std::uint8_t>(box.crowd ? 1 : 0);
    }
    out.put<std::uint64_t>(share.detectedBoxes.size());
    for (const inspection::DetectedBox& box : share.detectedBoxes) {
        out.put(box.image);
        out.put(box.category);
        putBox(out, box.box);
        out.put(box.score);
    }
    return out.take();
}

EvaluationShare shareFromBytes(const std::string& bytes) {
    Reader in(bytes);
    if (in.get<std::uint32_t>() != kLayout) {
        Reader::cutShort();
    }
    EvaluationShare share;
    share.lossSum = in.get<double>();
    share.seen = in.get<std::int64_t>();
    share.predictions.resize(in.count(36));
    for (Prediction& prediction : share.predictions) {
        prediction.sample = static_cast<std::size_t>(in.get<std::uint64_t>());
        prediction.truth = in.get<std::int64_t>();
        prediction.predicted = in.get<std::int64_t>();
        prediction.confidence = in.get<float>();
        prediction.pixels = in.getAll<std::int64_t>();
    }
    share.positiveScores = in.getAll<double>();
    share.areas.resize(in.count(16));
    for (inspection::ImageAreas& areas : share.areas) {
        areas.truth = in.getAll<double>();
        areas.predicted = in.getAll<double>();
    }
    share.truthBoxes.resize(in.count(45));
    for (inspection::TruthBox& box : share.truthBoxes) {
        box.image = in.get<std::int64_t>();
        box.category = in.get<int>();
        box.box = getBox(in);
        box.crowd = in.get<std::uint8_t>() != 0;
    }
    share.detectedBoxes.resize(in.count(52));
    for (inspection::DetectedBox& box : share.detectedBoxes) {
        box.image = in.get<std::int64_t>();
        box.category = in.get<int>();
        box.box = getBox(in);
        box.score = in.get<double>();
    }
    if (!in.done()) {
        Reader::cutShort();
    }
    return share;
}

} // namespace kestrel::tasks
