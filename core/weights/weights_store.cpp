#include "weights/weights_store.h"

#include "common/atomic_file.h"
#include "common/data_folder.h"
#include "common/error.h"
#include "models/architectures.h"
#include "models/model_registry.h"
#include "models/torchvision_weights.h"
#include "weights/sha256.h"
#include "weights/torchvision_files.h"

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace kestrel::weights {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDescription = "weights.json";

// Removes a file on scope exit unless released: a failed import or download leaves nothing.
class RemoveUnlessKept {
public:
    explicit RemoveUnlessKept(fs::path file) : file_(std::move(file)) {}
    ~RemoveUnlessKept() {
        if (!file_.empty()) {
            std::error_code ignored;
            fs::remove(file_, ignored);
            fs::remove(file_.parent_path(), ignored); // only if empty: a first, failed try
        }
    }
    RemoveUnlessKept(const RemoveUnlessKept&) = delete;
    RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
    void release() { file_.clear(); }

private:
    fs::path file_;
};

// Loads the file into a fresh ImageNet-shaped model of the architecture: the same check
// training makes when it starts from the file, done before the file is kept. `shownAs` names
// the file in the sentence when it is checked under a temporary name.
void checkIsStateDictOf(const fs::path& file, const std::string& model,
                        const std::string& shownAs) {
    auto classifier = models::createClassifier({model, 1000, 3});
    try {
        models::loadTorchvisionWeights(*classifier, file);
    } catch (const Error& error) {
        std::string message = error.what();
        const std::string path = file.string();
        for (auto at = message.find(path); at != std::string::npos; at = message.find(path)) {
            message.replace(at, path.size(), shownAs);
        }
        throw Error(error.kind(), message + " Nothing was kept.");
    }
}

// The store's folder for a model, with one sentence instead of std::filesystem's exception when
// the store cannot be written (a read-only home, a full disk).
void createFolder(const fs::path& folder) {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) {
        throw Error(ErrorKind::Io, "Cannot create the weights store folder " + folder.string() +
                                       ": " + error.message() +
                                       "; set KESTREL_WEIGHTS_DIR to a "
                                       "folder you can write.");
    }
}

std::string byteCount(std::uint64_t bytes) {
    std::ostringstream text;
    text.precision(1);
    text << std::fixed << static_cast<double>(bytes) / 1e6 << " MB";
    return text.str();
}

std::string fileNameOfUrl(const std::string& url) {
    std::string path = url.substr(0, url.find_first_of("?#"));
    const auto slash = path.rfind('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const bool usable = !name.empty() && name != "." && name != ".." &&
                        name.find_first_of("\\:") == std::string::npos;
    return usable ? name : std::string("weights.pth");
}

void throwForDownload(const DownloadResult& result, const std::string& url) {
    switch (result.outcome) {
    case DownloadOutcome::Complete:
        return;
    case DownloadOutcome::Unreachable:
        throw Error(ErrorKind::Io,
                    "Could not reach the server for " + url + " (" + result.detail +
                        "); without a network, copy the file here another way and run "
                        "`kestrel-cli weights import FILE --model NAME`.");
    case DownloadOutcome::HttpError:
        throw Error(ErrorKind::NotFound, "The server answered " +
                                             std::to_string(result.httpStatus) + " for " + url +
                                             "; nothing was kept.");
    case DownloadOutcome::CutOff:
        throw Error(ErrorKind::Io, "The download of " + url + " stopped after " +
                                       byteCount(result.received) + " (" + result.detail +
                                       "); nothing was kept, run the command again to retry.");
    case DownloadOutcome::Cancelled:
        throw Error(ErrorKind::Io, "The download of " + url + " was cancelled; nothing was kept.");
    case DownloadOutcome::Failed:
        break;
    }
    throw Error(ErrorKind::Io,
                "The download of " + url + " failed (" + result.detail + "); nothing was kept.");
}

} // namespace

WeightsStore::WeightsStore(fs::path folder) : folder_(std::move(folder)) {}

fs::path WeightsStore::defaultFolder() {
    return userDataFolder("KESTREL_WEIGHTS_DIR", "weights");
}

std::vector<StoredWeights> WeightsStore::list() const {
    std::vector<StoredWeights> all;
    std::error_code error;
    if (!fs::is_directory(folder_, error)) {
        return all;
    }
    fs::directory_iterator entries(folder_, error);
    if (error) {
        throw Error(ErrorKind::Io, "Cannot read the weights store " + folder_.string() + ": " +
                                       error.message() + ".");
    }
    for (const auto& entry : entries) {
        const fs::path description = entry.path() / kDescription;
        if (!entry.is_directory() || !fs::exists(description)) {
            continue;
        }
        std::ifstream in(description);
        nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
        if (json.is_discarded() || !json.is_object() || !json.contains("file") ||
            !json.contains("sha256")) {
            throw Error(ErrorKind::Corrupt,
                        description.string() +
                            " is not a weights description; remove its folder and import the "
                            "weights again.");
        }
        StoredWeights weights;
        weights.model = entry.path().filename().string();
        weights.file = entry.path() / json.at("file").get<std::string>();
        weights.sha256 = json.at("sha256").get<std::string>();
        weights.source = json.value("source", "");
        all.push_back(std::move(weights));
    }
    std::sort(all.begin(), all.end(),
              [](const StoredWeights& a, const StoredWeights& b) { return a.model < b.model; });
    return all;
}

std::optional<StoredWeights> WeightsStore::find(const std::string& model) const {
    for (auto& weights : list()) {
        if (weights.model == model) {
            return weights;
        }
    }
    return std::nullopt;
}

StoredWeights WeightsStore::importFile(const fs::path& file, const std::string& model) {
    models::architecture(model); // an unknown name gets its sentence before any copy
    if (!fs::is_regular_file(file)) {
        throw Error(ErrorKind::NotFound, file.string() + " does not exist or is not a file.");
    }
    createFolder(folder_ / model);
    const fs::path incoming = incomingPath(model);
    RemoveUnlessKept cleanup(incoming);
    std::error_code error;
    fs::copy_file(file, incoming, fs::copy_options::overwrite_existing, error);
    if (error) {
        throw Error(ErrorKind::Io, "Cannot copy " + file.string() + " into the weights store " +
                                       folder_.string() + ": " + error.message() + ".");
    }
    checkIsStateDictOf(incoming, model, file.string());
    StoredWeights kept = keep(incoming, model, file.filename().string(), sha256OfFile(incoming),
                              fs::absolute(file).lexically_normal().string());
    cleanup.release();
    return kept;
}

StoredWeights WeightsStore::fetch(const std::string& model, const std::string& url,
                                  const DownloadObserver& observer) {
    models::architecture(model);
    createFolder(folder_ / model);
    const fs::path incoming = incomingPath(model);
    RemoveUnlessKept cleanup(incoming);
    throwForDownload(downloadFile(url, incoming, observer), url);

    const std::string fileName = fileNameOfUrl(url);
    const std::string sha256 = sha256OfFile(incoming);
    const std::string promised = sha256PrefixInName(fileName);
    if (sha256.rfind(promised, 0) != 0) {
        throw Error(ErrorKind::Corrupt, "The file downloaded from " + url + " has SHA-256 " +
                                            sha256.substr(0, 16) + "..., not the " + promised +
                                            "... its name promises: it was changed or damaged "
                                            "on the way, and nothing was kept.");
    }
    checkIsStateDictOf(incoming, model, "The file downloaded from " + url);
    StoredWeights kept = keep(incoming, model, fileName, sha256, url);
    cleanup.release();
    return kept;
}

StoredWeights WeightsStore::keep(const fs::path& incoming, const std::string& model,
                                 const std::string& fileName, const std::string& sha256,
                                 const std::string& source) {
    const fs::path modelFolder = folder_ / model;
    const std::string name = fileName == kDescription || fileName.rfind(".incoming-", 0) == 0
                                 ? model + ".pth"
                                 : fileName;
    const auto previous = find(model);
    std::error_code error;
    fs::rename(incoming, modelFolder / name, error);
    if (error) {
        throw Error(ErrorKind::Io, "Cannot move the checked weights into " +
                                       (modelFolder / name).string() + ": " + error.message() +
                                       "; nothing was kept.");
    }
    nlohmann::json description = {
        {"model", model}, {"file", name}, {"sha256", sha256}, {"source", source}};
    writeFileAtomically(modelFolder / kDescription, description.dump(2) + "\n");
    if (previous && previous->file.filename() != name) {
        std::error_code ignored;
        fs::remove(previous->file, ignored);
    }
    return {model, modelFolder / name, sha256, source};
}

fs::path WeightsStore::incomingPath(const std::string& model) const {
    // Unique per process and call, so two Kestrels fetching at once never share a file.
    std::random_device entropy;
    return folder_ / model /
           (".incoming-" + std::to_string(::getpid()) + "-" + std::to_string(entropy()) + ".part");
}

} // namespace kestrel::weights
