// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

// The command-line programs' output files: written whole or not at all, every write checked.

#ifndef XAI_SAMPLES_CLI_FILES_HPP
#define XAI_SAMPLES_CLI_FILES_HPP

#include <functional>
#include <stdexcept>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

namespace xai_samples {

//! A file that could not be written; the message names it and gives the system's reason.
class WriteError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** Writes `bytes` to `path` whole or not at all: into a temporary file beside it, every write and
    the close checked, then renamed over `path`. A full disk, a file size limit or a name that is too
    long throws WriteError "cannot write 'path': <reason>"; the temporary file is removed, and an
    existing `path` is left as it was. */
void writeFileAtomically(const std::string& path, const std::string& bytes);

//! cv::imencode in the format of the path's extension, then writeFileAtomically.
void writeImageFile(const std::string& path, const cv::Mat& image);

/** Appends `bytes` to `path` (created if missing) whole or not at all: a write that fails cuts the
    file back to its former length and throws WriteError. */
void appendFileAtomically(const std::string& path, const std::string& bytes);

/** What a path that exists but is neither a regular file nor a folder is, in a user's words ("a
    FIFO", "a device", "a socket"); empty for a regular file, a folder or a missing path. Reading
    such a path could block forever or never end. */
std::string specialFileKind(const std::string& path);

class DocumentWriter;

/** A document built in memory by `fill`, in the format of the path's extension (.json: strict JSON;
    .yml, .xml: cv::FileStorage's), then writeFileAtomically. */
void writeStorageFile(const std::string& path, const std::function<void(DocumentWriter&)>& fill);

/** cv::dnn::readNet, its failure as a UsageError in the user's words: "cannot load model 'm.onnx':
    the file is empty", never the importer's assertion text. */
cv::dnn::Net readModel(const std::string& model, const std::string& config = std::string(),
                       const std::string& framework = std::string());

/** Refuses a model of several outputs when no score layer is named (`scoreLayer` empty): cv::dnn
    lists its outputs in its own layer order, not the graph's, so taking the first could read
    features as class scores. `option` names where the score layer is given. Throws UsageError. */
void requireScoreOutput(const cv::dnn::Net& net, const std::string& scoreLayer, const std::string& option);

} // namespace xai_samples

#endif // XAI_SAMPLES_CLI_FILES_HPP
