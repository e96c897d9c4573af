// SPDX-License-Identifier: GPL-2.0-only
//
// desc_scan: find the integer-promotion sign-extension bug class in C and
// C++ sources.  An operand narrower than int (u8, uint16_t, an 8-bit
// bit-field, also of a 64-bit type) is promoted to a signed int; shifted
// so that its top bit reaches bit 31 the int is negative for half of the
// operand's values, and widened to 64 bits it sign-extends over bits
// 63:32.  The checker walks clang's typed AST, so every promotion, cast and
// typedef is the compiler's own.
//
//   desc_scan -p compile_commands.json [--root DIR]... FILE...
//
// Parses each FILE with the arguments the compilation database gives it
// (./desctest scan writes the database: the tree's own include folders,
// no build configuration needed) and prints one JSON object a line:
//   {"kind":"finding", "file":..., "line":..., "col":..., ...}
//   {"kind":"file", "file":..., "errors":N, "first_error":"...",
//    "missing":[headers read as empty], "unknown_types":[names]}
// Only code in files under a --root is examined; a header's functions are
// examined once per run, in the first translation unit that includes it.
// Exit status: 0 when every file was run (findings or not), 2 on bad input.

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/ParentMapContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Tooling/JSONCompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Process.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace clang;

namespace {

std::string json_str(const std::string &s)
{
	std::string o = "\"";
	for (char ch : s) {
		auto c = static_cast<unsigned char>(ch);
		switch (c) {
		case '"': o += "\\\""; break;
		case '\\': o += "\\\\"; break;
		case '\n': o += "\\n"; break;
		case '\t': o += "\\t"; break;
		default:
			if (c < 0x20) {
				char buf[8];
				std::snprintf(buf, sizeof(buf), "\\u%04x", c);
				o += buf;
			} else {
				o += ch;
			}
		}
	}
	return o + "\"";
}

// State shared by every translation unit of the run.
struct RunState {
	std::vector<std::string> roots;		// real paths, each ending in '/'
	std::set<std::string> done_files;	// files examined in earlier TUs
	std::set<std::string> reported;		// findings already printed
	std::string stub_dir;			// empty stand-ins for missing headers
	std::set<std::string> missing;		// this TU's headers not found
};

// A header the tree does not have (a generated one, a system header of
// another platform): parse on with an empty stand-in instead of stopping
// at clang's fatal error, and report the name.
class MissingIncludes : public PPCallbacks {
public:
	explicit MissingIncludes(RunState &st) : st_(st) {}

	bool FileNotFound(StringRef name, SmallVectorImpl<char> &recovery) override
	{
		if (st_.stub_dir.empty() || name.empty() || name.startswith("/") ||
		    name.contains(".."))
			return false;
		llvm::SmallString<256> p(st_.stub_dir);
		llvm::sys::path::append(p, name);
		if (llvm::sys::fs::create_directories(llvm::sys::path::parent_path(p)))
			return false;
		int fd;
		if (llvm::sys::fs::openFileForWrite(p, fd, llvm::sys::fs::CD_OpenAlways))
			return false;
		llvm::sys::Process::SafelyCloseFileDescriptor(fd);
		st_.missing.insert(name.str());
		recovery.assign(st_.stub_dir.begin(), st_.stub_dir.end());
		return true;
	}

private:
	RunState &st_;
};

std::string real_path(const FileEntry *fe)
{
	if (!fe)
		return {};
	StringRef r = fe->tryGetRealPathName();
	if (!r.empty())
		return r.str();
	llvm::SmallString<256> p(fe->getName());
	llvm::sys::fs::make_absolute(p);
	llvm::sys::path::remove_dots(p, true);
	return std::string(p.str());
}

bool under_roots(const RunState &st, const std::string &path)
{
	for (const auto &r : st.roots)
		if (path.compare(0, r.size(), r) == 0)
			return true;
	return false;
}

// Is the value of E, an int, confined to bits 30:0 by a constant mask?
bool mask_clears_bit31(const Expr *other, const ASTContext &ctx)
{
	Expr::EvalResult r;
	if (!other->EvaluateAsInt(r, ctx))
		return false;
	const llvm::APSInt &v = r.Val.getInt();
	return v.getBitWidth() >= 32 ? !v.extOrTrunc(32)[31] : true;
}

class Visitor : public RecursiveASTVisitor<Visitor> {
public:
	Visitor(ASTContext &ctx, RunState &st, std::set<std::string> &this_tu)
		: ctx_(ctx), sm_(ctx.getSourceManager()), st_(st), this_tu_(this_tu)
	{
	}

	bool TraverseDecl(Decl *d)
	{
		if (!d)
			return true;
		if (isa<TranslationUnitDecl>(d))
			return RecursiveASTVisitor::TraverseDecl(d);
		// Top-level and nested declarations alike: examine only what is
		// written in a file under a root and not done in an earlier TU.
		SourceLocation loc = sm_.getExpansionLoc(d->getLocation());
		if (loc.isInvalid())
			return true;
		std::string path = real_path(sm_.getFileEntryForID(sm_.getFileID(loc)));
		if (path.empty() || !under_roots(st_, path) || st_.done_files.count(path))
			return true;
		this_tu_.insert(path);
		return RecursiveASTVisitor::TraverseDecl(d);
	}

	bool VisitBinaryOperator(BinaryOperator *bo)
	{
		if (bo->getOpcode() == BO_Shl)
			check_shift(bo);
		return true;
	}

private:
	ASTContext &ctx_;
	SourceManager &sm_;
	RunState &st_;
	std::set<std::string> &this_tu_;

	std::string text(SourceRange r)
	{
		SourceLocation b = sm_.getSpellingLoc(r.getBegin());
		SourceLocation e = sm_.getSpellingLoc(r.getEnd());
		if (sm_.getFileID(b) != sm_.getFileID(e) || sm_.isBeforeInTranslationUnit(e, b)) {
			b = sm_.getExpansionLoc(r.getBegin());
			e = sm_.getExpansionRange(r.getEnd()).getEnd();
		}
		StringRef t = Lexer::getSourceText(CharSourceRange::getTokenRange(b, e), sm_,
						   ctx_.getLangOpts());
		std::string out;
		bool space = false;
		for (char c : t) {	// one line: runs of blanks become one space
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				space = true;
				continue;
			}
			if (space && !out.empty())
				out += ' ';
			space = false;
			out += c;
		}
		return out;
	}

	std::string type_name(QualType t)
	{
		std::string written = t.getAsString();
		std::string canon = t.getCanonicalType().getAsString();
		return written == canon ? written : written + " (aka " + canon + ")";
	}

	const FunctionDecl *enclosing_function_decl(const Stmt *s)
	{
		DynTypedNodeList ps = ctx_.getParents(*s);
		while (!ps.empty()) {
			if (const auto *fd = ps[0].get<FunctionDecl>())
				return fd;
			if (const auto *st = ps[0].get<Stmt>())
				ps = ctx_.getParents(*st);
			else
				break;
		}
		return nullptr;
	}

	std::string enclosing_function(const Stmt *s)
	{
		DynTypedNodeList ps = ctx_.getParents(*s);
		while (!ps.empty()) {
			if (const auto *fd = ps[0].get<FunctionDecl>())
				return fd->getQualifiedNameAsString();
			if (const auto *st = ps[0].get<Stmt>())
				ps = ctx_.getParents(*st);
			else if (const auto *d = ps[0].get<Decl>())
				ps = ctx_.getParents(*d);
			else
				break;
		}
		return {};
	}

	// Where does the negative int become wider?  Empty when it never
	// does (a mask, a 32-bit destination, a comparison...).
	std::string find_widening(const Expr *start, std::string &widened_to)
	{
		const Stmt *cur = start;
		for (int depth = 0; depth < 64; depth++) {
			DynTypedNodeList ps = ctx_.getParents(*cur);
			if (ps.empty())
				return {};
			const Stmt *p = ps[0].get<Stmt>();
			if (!p)
				return {};	// an int variable's initialiser
			if (isa<ParenExpr>(p) || isa<ConditionalOperator>(p)) {
				cur = p;
				continue;
			}
			if (const auto *ce = dyn_cast<CastExpr>(p)) {
				QualType to = ce->getType();
				bool wide = to->isPointerType() ||
					    (to->isIntegerType() && !to->isBooleanType() &&
					     ctx_.getTypeSize(to) > 32);
				if (!wide) {
					if (ce->getCastKind() == CK_NoOp ||
					    ctx_.hasSameUnqualifiedType(to, ce->getSubExpr()->getType())) {
						cur = p;
						continue;
					}
					return {};
				}
				widened_to = type_name(to);
				if (isa<ExplicitCastExpr>(ce))
					return "cast to " + to.getAsString();
				return widening_context(ce, to);
			}
			if (const auto *cao = dyn_cast<CompoundAssignOperator>(p)) {
				QualType lt = cao->getLHS()->getType();
				if (cao->getRHS()->IgnoreParens() == cur ||
				    cao->getRHS() == cur) {
					if (lt->isIntegerType() && ctx_.getTypeSize(lt) > 32) {
						widened_to = type_name(lt);
						return std::string("compound assignment '") +
						       cao->getOpcodeStr().str() + "' to " + lt.getAsString();
					}
				}
				return {};
			}
			if (const auto *as = dyn_cast<ArraySubscriptExpr>(p)) {
				// An index is sign-extended to the pointer's width.
				if (as->getIdx() != cur)
					return {};
				QualType base = as->getBase()->getType();
				widened_to = type_name(base);
				return "index of " + base.getAsString();
			}
			if (const auto *b = dyn_cast<BinaryOperator>(p)) {
				const Expr *other = b->getLHS() == cur ? b->getRHS() : b->getLHS();
				if ((b->getOpcode() == BO_Add || b->getOpcode() == BO_Sub) &&
				    b->getType()->isPointerType()) {
					// An offset added to (or taken from) a pointer
					// is sign-extended to the pointer's width.
					widened_to = type_name(b->getType());
					return "offset added to " + b->getType().getAsString();
				}
				switch (b->getOpcode()) {
				case BO_Or:
				case BO_Xor:
				case BO_Add:
				case BO_Sub:
				case BO_Comma:
					if (b->getOpcode() == BO_Comma && b->getRHS() != cur)
						return {};
					cur = p;
					continue;
				case BO_And:
					if (mask_clears_bit31(other, ctx_))
						return {};
					cur = p;
					continue;
				default:
					return {};
				}
			}
			return {};
		}
		return {};
	}

	std::string widening_context(const CastExpr *ce, QualType to)
	{
		DynTypedNodeList ps = ctx_.getParents(*ce);
		std::string t = to.getAsString();
		if (ps.empty())
			return "conversion to " + t;
		if (const auto *vd = ps[0].get<VarDecl>())
			return "initialisation of " + vd->getType().getAsString() + " " +
			       vd->getNameAsString();
		if (const auto *fd = ps[0].get<FieldDecl>())
			return "initialisation of " + t + " " + fd->getNameAsString();
		const Stmt *p = ps[0].get<Stmt>();
		while (p && isa<ParenExpr>(p)) {
			DynTypedNodeList pp = ctx_.getParents(*p);
			p = pp.empty() ? nullptr : pp[0].get<Stmt>();
		}
		if (!p)
			return "conversion to " + t;
		if (isa<ReturnStmt>(p)) {
			const auto *fn = enclosing_function_decl(p);
			return "return as " + (fn ? fn->getReturnType().getAsString() : t);
		}
		if (const auto *cao = dyn_cast<CompoundAssignOperator>(p))
			return "compound assignment '" + cao->getOpcodeStr().str() + "' to " +
			       cao->getLHS()->getType().getAsString();
		if (const auto *b = dyn_cast<BinaryOperator>(p)) {
			switch (b->getOpcode()) {
			case BO_Or: return "OR with " + t;
			case BO_Add: return "addition to " + t;
			case BO_Sub: return "subtraction in " + t;
			case BO_Xor: return "XOR with " + t;
			case BO_Assign: return "assignment to " + b->getLHS()->getType().getAsString();
			default: return "operand of '" + b->getOpcodeStr().str() + "' in " + t;
			}
		}
		if (isa<CallExpr>(p))
			return "argument of type " + t;
		if (isa<InitListExpr>(p))
			return "initialiser of type " + t;
		return "conversion to " + t;
	}

	void check_shift(BinaryOperator *bo)
	{
		if (bo->isTypeDependent() || bo->isValueDependent() || bo->containsErrors())
			return;
		QualType rt = bo->getType();
		if (!rt->isSpecificBuiltinType(BuiltinType::Int))
			return;		// only a promoted (signed int) result
		const Expr *lhs = bo->getLHS();
		const Expr *op = lhs->IgnoreParenImpCasts();
		if (op == lhs->IgnoreParens())
			return;		// no promotion: the operand was an int
		QualType ot = op->getType();
		if (!ot->isIntegerType() || ot->isBooleanType() || ot->isEnumeralType())
			return;
		unsigned width;
		std::string declared;
		bool bitfield = false;
		if (const FieldDecl *fd = op->getSourceBitField()) {
			width = fd->getBitWidthValue(ctx_);
			declared = type_name(fd->getType()) + " : " + std::to_string(width);
			bitfield = true;
			if (fd->getType()->isSignedIntegerType())
				return;
		} else {
			width = static_cast<unsigned>(ctx_.getTypeSize(ot));
			declared = type_name(ot);
			if (ot->isSignedIntegerType())
				return;
		}
		if (width >= 32 || width == 0)
			return;
		Expr::EvalResult amount;
		if (!bo->getRHS()->EvaluateAsInt(amount, ctx_))
			return;
		llvm::APSInt s = amount.Val.getInt();
		if (s.isNegative() || s.getExtValue() > 31)
			return;
		unsigned shift = static_cast<unsigned>(s.getExtValue());
		unsigned top = width - 1 + shift;
		if (top < 31)
			return;
		std::string widened_to;
		std::string widening = find_widening(bo, widened_to);
		if (widening.empty())
			return;

		SourceLocation at = sm_.getExpansionLoc(bo->getBeginLoc());
		PresumedLoc pl = sm_.getPresumedLoc(at);
		if (pl.isInvalid())
			return;
		std::string file = real_path(sm_.getFileEntryForID(sm_.getFileID(at)));
		std::string macro;
		if (bo->getOperatorLoc().isMacroID()) {
			SourceLocation sp = sm_.getSpellingLoc(bo->getOperatorLoc());
			PresumedLoc mp = sm_.getPresumedLoc(sp);
			StringRef name = Lexer::getImmediateMacroNameForDiagnostics(
				bo->getOperatorLoc(), sm_, ctx_.getLangOpts());
			if (mp.isValid())
				macro = name.str() + "@" + std::to_string(mp.getLine());
		}
		std::string key = file + ":" + std::to_string(pl.getLine()) + ":" +
				  std::to_string(pl.getColumn()) + ":" + macro + ":" +
				  std::to_string(sm_.getSpellingLoc(bo->getOperatorLoc()).getRawEncoding());
		if (!st_.reported.insert(key).second)
			return;
		std::string macro_name, macro_line;
		if (!macro.empty()) {
			macro_name = macro.substr(0, macro.find('@'));
			macro_line = macro.substr(macro.find('@') + 1);
		}
		std::printf("{\"kind\":\"finding\",\"file\":%s,\"line\":%u,\"col\":%u,"
			    "\"expr\":%s,\"operand\":%s,\"operand_type\":%s,\"width\":%u,"
			    "\"bitfield\":%s,\"shift\":%u,\"top_bit\":%u,\"widening\":%s,"
			    "\"widened_to\":%s,\"function\":%s,\"macro\":%s,\"macro_line\":%s}\n",
			    json_str(file).c_str(), pl.getLine(), pl.getColumn(),
			    json_str(text(bo->getSourceRange())).c_str(),
			    json_str(text(op->getSourceRange())).c_str(),
			    json_str(declared).c_str(), width, bitfield ? "true" : "false",
			    shift, top, json_str(widening).c_str(), json_str(widened_to).c_str(),
			    json_str(enclosing_function(bo)).c_str(), json_str(macro_name).c_str(),
			    macro_line.empty() ? "null" : macro_line.c_str());
	}
};

class Consumer : public ASTConsumer {
public:
	Consumer(RunState &st, SourceManager &sm) : st_(st), sm_(sm) {}

	void HandleTranslationUnit(ASTContext &ctx) override
	{
		std::set<std::string> this_tu;
		Visitor v(ctx, st_, this_tu);
		v.TraverseDecl(ctx.getTranslationUnitDecl());
		st_.done_files.insert(this_tu.begin(), this_tu.end());
	}

	// Bodies of functions in files examined already, or outside every
	// root, need not be parsed at all: most of a kernel TU's time.
	bool shouldSkipFunctionBody(Decl *d) override
	{
		SourceLocation loc = sm_.getExpansionLoc(d->getLocation());
		if (loc.isInvalid())
			return false;
		std::string path = real_path(sm_.getFileEntryForID(sm_.getFileID(loc)));
		return path.empty() || !under_roots(st_, path) || st_.done_files.count(path) > 0;
	}

private:
	RunState &st_;
	SourceManager &sm_;
};

class Action : public ASTFrontendAction {
public:
	explicit Action(RunState &st) : st_(st) {}

	bool BeginSourceFileAction(CompilerInstance &ci) override
	{
		st_.missing.clear();
		ci.getPreprocessor().addPPCallbacks(std::make_unique<MissingIncludes>(st_));
		return true;
	}

	std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci, StringRef) override
	{
		ci.getFrontendOpts().SkipFunctionBodies = true;
		return std::make_unique<Consumer>(st_, ci.getSourceManager());
	}

private:
	RunState &st_;
};

class Factory : public tooling::FrontendActionFactory {
public:
	explicit Factory(RunState &st) : st_(st) {}
	std::unique_ptr<FrontendAction> create() override { return std::make_unique<Action>(st_); }

private:
	RunState &st_;
};

// Counts a TU's errors and keeps the first one, for the "could not parse"
// report; prints nothing itself.
class ErrorCounter : public DiagnosticConsumer {
public:
	unsigned errors = 0;
	std::string first;

	std::set<std::string> unknown_types;	// "unknown type name 'X'"

	void HandleDiagnostic(DiagnosticsEngine::Level level, const Diagnostic &info) override
	{
		DiagnosticConsumer::HandleDiagnostic(level, info);
		if (level < DiagnosticsEngine::Error)
			return;
		{
			llvm::SmallString<200> m;
			info.FormatDiagnostic(m);
			StringRef t = m.str();
			if (t.consume_front("unknown type name '") && t.endswith("'"))
				unknown_types.insert(t.drop_back().str());
		}
		if (errors++ == 0) {
			llvm::SmallString<200> msg;
			info.FormatDiagnostic(msg);
			first = msg.str().str();
			if (info.hasSourceManager() && info.getLocation().isValid()) {
				PresumedLoc pl = info.getSourceManager().getPresumedLoc(
					info.getLocation());
				if (pl.isValid())
					first = std::string(pl.getFilename()) + ":" +
						std::to_string(pl.getLine()) + ": " + first;
			}
		}
	}
};

int usage(const char *why)
{
	std::fprintf(stderr, "desc_scan: %s\nusage: desc_scan -p compile_commands.json "
			     "[--root DIR]... [--stub-dir DIR] FILE...\n", why);
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	std::string db_path;
	RunState st;
	std::vector<std::string> files;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "-p" && i + 1 < argc) {
			db_path = argv[++i];
		} else if (a == "--stub-dir" && i + 1 < argc) {
			st.stub_dir = argv[++i];
		} else if (a == "--root" && i + 1 < argc) {
			llvm::SmallString<256> r;
			if (llvm::sys::fs::real_path(argv[++i], r))
				return usage((std::string("no such root: ") + argv[i]).c_str());
			std::string s(r.str());
			if (s.empty() || s.back() != '/')
				s += '/';
			st.roots.push_back(s);
		} else if (!a.empty() && a[0] == '-') {
			return usage(("unknown option " + a).c_str());
		} else {
			files.push_back(a);
		}
	}
	if (db_path.empty() || files.empty())
		return usage("a compilation database and at least one file are needed");
	if (st.roots.empty())
		return usage("at least one --root is needed");
	std::string err;
	auto db = tooling::JSONCompilationDatabase::loadFromFile(
		db_path, err, tooling::JSONCommandLineSyntax::AutoDetect);
	if (!db)
		return usage(("cannot read " + db_path + ": " + err).c_str());

	Factory factory(st);
	for (const auto &f : files) {
		if (db->getCompileCommands(f).empty()) {
			std::printf("{\"kind\":\"file\",\"file\":%s,\"errors\":1,\"first_error\":%s,"
				    "\"missing\":[],\"unknown_types\":[]}\n",
				    json_str(f).c_str(),
				    json_str("no entry in the compilation database").c_str());
			continue;
		}
		tooling::ClangTool tool(*db, {f});
		ErrorCounter diag;
		tool.setDiagnosticConsumer(&diag);
		tool.setPrintErrorMessage(false);
		int rc = tool.run(&factory);
		std::string unknown = "[";
		for (const auto &u : diag.unknown_types)
			unknown += (unknown.size() > 1 ? "," : "") + json_str(u);
		unknown += "]";
		std::string missing = "[";
		for (const auto &m : st.missing)
			missing += (missing.size() > 1 ? "," : "") + json_str(m);
		missing += "]";
		std::printf("{\"kind\":\"file\",\"file\":%s,\"errors\":%u,\"first_error\":%s,"
			    "\"missing\":%s,\"unknown_types\":%s,\"run\":%d}\n",
			    json_str(f).c_str(), diag.errors, json_str(diag.first).c_str(),
			    missing.c_str(), unknown.c_str(), rc);
		std::fflush(stdout);
	}
	return 0;
}
