#pragma once

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace kestrel::testing {

// A report parsed as strict XML by libxml2 (the report promises polyglot HTML5: also
// well-formed XML), with XPath queries where `h:` is the XHTML namespace.
class XmlDocument {
public:
    explicit XmlDocument(const std::string& text) {
        xmlSetStructuredErrorFunc(&errors_, &XmlDocument::collect);
        document_ = xmlReadMemory(text.data(), static_cast<int>(text.size()), "report.html",
                                  "UTF-8", XML_PARSE_NONET);
        xmlSetStructuredErrorFunc(nullptr, nullptr);
        if (!document_ && errors_.empty()) {
            errors_.push_back("libxml2 returned no document");
        }
    }
    ~XmlDocument() { xmlFreeDoc(document_); }
    XmlDocument(const XmlDocument&) = delete;
    XmlDocument& operator=(const XmlDocument&) = delete;

    // Every warning and error libxml2 reported, one line each; empty for a clean parse.
    std::string errors() const {
        std::string all;
        for (const auto& error : errors_) {
            all += error;
        }
        return all;
    }
    bool parsed() const { return document_ != nullptr && errors_.empty(); }

    // The string value of each node `xpath` selects, in document order.
    std::vector<std::string> texts(const std::string& xpath) const {
        if (!document_) {
            throw std::runtime_error("no document to query");
        }
        xmlXPathContextPtr context = xmlXPathNewContext(document_);
        xmlXPathRegisterNs(context, xml("h"), xml("http://www.w3.org/1999/xhtml"));
        xmlXPathObjectPtr result = xmlXPathEvalExpression(xml(xpath.c_str()), context);
        const bool evaluated = result != nullptr;
        std::vector<std::string> values;
        if (result && result->nodesetval) {
            for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
                xmlChar* content = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
                values.emplace_back(content ? reinterpret_cast<const char*>(content) : "");
                xmlFree(content);
            }
        }
        xmlXPathFreeObject(result);
        xmlXPathFreeContext(context);
        if (!evaluated) {
            throw std::runtime_error("bad XPath: " + xpath);
        }
        return values;
    }

    std::string text(const std::string& xpath) const {
        const auto values = texts(xpath);
        return values.size() == 1 ? values.front()
                                  : "<" + std::to_string(values.size()) + " nodes>";
    }

private:
    static const xmlChar* xml(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

    static void collect(void* errors, xmlErrorPtr error) {
        static_cast<std::vector<std::string>*>(errors)->push_back(
            "line " + std::to_string(error->line) + ": " + (error->message ? error->message : ""));
    }

    std::vector<std::string> errors_;
    xmlDocPtr document_ = nullptr;
};

} // namespace kestrel::testing
