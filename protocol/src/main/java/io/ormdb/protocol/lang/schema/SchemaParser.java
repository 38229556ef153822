package io.ormdb.protocol.lang.schema;

import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.internal.ExpressionParser;
import io.ormdb.protocol.lang.internal.Token;
import io.ormdb.protocol.lang.internal.TokenKind;
import io.ormdb.protocol.lang.internal.TokenStream;
import io.ormdb.protocol.lang.schema.SchemaSyntax.CheckNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.DefaultNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.EntityNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.EnumNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.FieldNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.ForeignKeyNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.IndexNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.OrderNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.PolicyNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.RelationNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.TypeNode;
import io.ormdb.protocol.lang.schema.SchemaSyntax.UniqueNode;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.schema.Sensitivity;
import java.util.List;
import java.util.Optional;

/**
 * Parses schema-language text ({@code .ormdb} files) into a {@link SchemaBundle} of version 0 (the
 * catalog numbers versions). The language is described in {@code docs/schema-language.md}.
 *
 * <p>A syntax error stops at the first problem; a text that parses is then checked as a whole and
 * every semantic problem (unknown names, duplicates, a missing identity, a default that does not
 * fit its type, ...) is reported in one {@link ParseException}.
 */
public final class SchemaParser {
  static final List<String> DECLARATIONS = List.of("entity", "enum", "policy");
  static final List<String> ATTRIBUTES =
      List.of("id", "unique", "index", "default", "sensitive", "mask", "stored");
  static final List<String> MEMBER_KEYWORDS =
      List.of("relation", "unique", "index", "check", "foreign", "order", "soft");

  private final TokenStream ts;
  private final SchemaSyntax syntax = new SchemaSyntax();

  private SchemaParser(String text) {
    this.ts = new TokenStream(text);
  }

  /** Parses and checks {@code text}; fails with a {@link ParseException} naming every problem. */
  public static SchemaBundle parse(String text) {
    SchemaParser p = new SchemaParser(text);
    p.schema();
    return new SchemaChecker(p.syntax).check();
  }

  private void schema() {
    while (!ts.at(TokenKind.EOF)) {
      if (ts.acceptKeyword("entity")) {
        entity();
      } else if (ts.acceptKeyword("enum")) {
        enumDecl();
      } else if (ts.acceptKeyword("policy")) {
        policy();
      } else {
        throw ts.unexpectedSuggesting("'entity', 'enum' or 'policy'", DECLARATIONS);
      }
    }
  }

  private void enumDecl() {
    EnumNode e = new EnumNode();
    e.name = ts.expectName("an enum name");
    ts.expect(TokenKind.LBRACE);
    while (!ts.at(TokenKind.RBRACE)) {
      if (!ts.at(TokenKind.IDENT)) {
        throw ts.unexpected("an enum variant or '}'");
      }
      e.variants.add(ts.next());
      ts.accept(TokenKind.COMMA);
    }
    ts.expect(TokenKind.RBRACE);
    syntax.enums.add(e);
  }

  private void entity() {
    EntityNode e = new EntityNode();
    e.name = ts.expectName("an entity name");
    ts.expect(TokenKind.LBRACE);
    while (!ts.at(TokenKind.RBRACE)) {
      member(e);
      ts.accept(TokenKind.SEMICOLON);
    }
    ts.expect(TokenKind.RBRACE);
    syntax.entities.add(e);
  }

  private void member(EntityNode e) {
    Token t = ts.peek();
    if (t.kind() != TokenKind.IDENT) {
      throw ts.unexpected("a field, a relation, a constraint or '}'");
    }
    Token t1 = ts.peek(1);
    Token t2 = ts.peek(2);
    if (!t.quoted()) {
      String w = t.text();
      boolean nextIsName = t1.kind() == TokenKind.IDENT;
      if (DECLARATIONS.contains(w)
          && nextIsName
          && (t2.kind() == TokenKind.LBRACE || t2.isKeyword("on"))) {
        // "entity Post {" inside an entity: the previous entity was not closed.
        throw ts.unexpected("'}'");
      }
      if (w.equals("relation") && nextIsName && t2.kind() == TokenKind.COLON) {
        ts.next();
        e.relations.add(relation());
        return;
      }
      boolean parenFollows =
          t1.kind() == TokenKind.LPAREN
              || (nextIsName && !t1.isKeyword("decimal") && t2.kind() == TokenKind.LPAREN);
      if (w.equals("unique")
          && t1.isKeyword("index")
          && (t2.is(TokenKind.LPAREN) || ts.peek(3).is(TokenKind.LPAREN))) {
        ts.next();
        IndexNode idx = index(ts.next());
        idx.unique = true;
        e.indexes.add(idx);
        return;
      }
      if (w.equals("unique") && parenFollows) {
        e.constraints.add(unique(ts.next()));
        return;
      }
      if (w.equals("index") && parenFollows) {
        e.indexes.add(index(ts.next()));
        return;
      }
      if (w.equals("check") && parenFollows) {
        e.constraints.add(check(ts.next()));
        return;
      }
      if (w.equals("foreign") && t1.isKeyword("key")) {
        e.constraints.add(foreignKey(ts.next()));
        return;
      }
      if (w.equals("order") && t1.isKeyword("by")) {
        orderBy(e);
        return;
      }
      if (w.equals("soft") && t1.isKeyword("delete")) {
        Token kw = ts.next();
        ts.next();
        if (e.softDelete != null) {
          throw TokenStream.error(kw, "'soft delete' is given twice");
        }
        e.softDelete = kw;
        return;
      }
    }
    e.fields.add(field());
  }

  private FieldNode field() {
    FieldNode f = new FieldNode();
    f.name = ts.next();
    if (!ts.at(TokenKind.IDENT)) {
      if (ts.at(TokenKind.COLON) && !f.name.quoted()) {
        Optional<String> kw = Suggestions.closest(f.name.text(), List.of("relation"));
        if (kw.isPresent()) {
          throw TokenStream.error(
              f.name, "unknown keyword '" + f.name.text() + "' (did you mean 'relation'?)");
        }
      }
      throw ts.unexpected("a type for field '" + f.name.value() + "'");
    }
    f.type = type();
    if (ts.at(TokenKind.ASSIGN)) {
      f.assign = ts.next();
      ExpressionParser ep = new ExpressionParser(ts);
      f.expression = ep.value();
      f.expressionRefs = ep.fieldRefs();
      f.expressionAttributes = ep.attributeRefs();
    }
    while (ts.at(TokenKind.AT)) {
      attribute(f);
    }
    if (ts.at(TokenKind.COLON) && !f.name.quoted()) {
      Optional<String> kw = Suggestions.closest(f.name.text(), List.of("relation"));
      if (kw.isPresent()) {
        throw TokenStream.error(
            f.name, "unknown keyword '" + f.name.text() + "' (did you mean 'relation'?)");
      }
    }
    return f;
  }

  private TypeNode type() {
    TypeNode t = new TypeNode();
    t.name = ts.next();
    if (t.name.isKeyword("decimal")) {
      if (!ts.at(TokenKind.LPAREN)) {
        throw TokenStream.error(t.name, "decimal needs a precision and a scale: decimal(p, s)");
      }
      ts.next();
      t.precision = expectInteger("the decimal precision");
      ts.expect(TokenKind.COMMA);
      t.scale = expectInteger("the decimal scale");
      ts.expect(TokenKind.RPAREN);
    }
    if (ts.accept(TokenKind.LBRACKET)) {
      ts.expect(TokenKind.RBRACKET);
      t.array = true;
    }
    if (ts.accept(TokenKind.QUESTION)) {
      t.optional = true;
    }
    if (ts.at(TokenKind.LBRACKET)) {
      throw TokenStream.error(ts.peek(), "write an optional array as T[]?, not T?[]");
    }
    return t;
  }

  private Token expectInteger(String what) {
    if (!ts.at(TokenKind.INTEGER)) {
      throw ts.unexpected(what);
    }
    return ts.next();
  }

  private void attribute(FieldNode f) {
    Token at = ts.expect(TokenKind.AT);
    Token name = ts.expectName("an attribute name after '@'");
    String n = name.value();
    if (!ATTRIBUTES.contains(n)) {
      String hint =
          Suggestions.closest(n, ATTRIBUTES).map(s -> " (did you mean '@" + s + "'?)").orElse("");
      throw TokenStream.error(at, "unknown attribute '@" + n + "'" + hint);
    }
    boolean seen;
    switch (n) {
      case "id":
        seen = f.id != null;
        f.id = at;
        noArguments(n);
        break;
      case "unique":
        seen = f.unique != null;
        f.unique = at;
        noArguments(n);
        break;
      case "index":
        seen = f.index != null;
        f.index = at;
        noArguments(n);
        break;
      case "default":
        seen = f.defaultValue != null;
        f.defaultValue = defaultValue(at);
        break;
      case "stored":
        seen = f.stored != null;
        f.stored = at;
        noArguments(n);
        break;
      case "sensitive":
        seen = f.sensitive != null;
        f.sensitive = at;
        ts.expect(TokenKind.LPAREN);
        Token level =
            ts.expectOneOf(
                "a sensitivity level ('public', 'internal', 'sensitive' or 'restricted')",
                List.of("public", "internal", "sensitive", "restricted"));
        f.sensitivity = Sensitivity.valueOf(level.text().toUpperCase(java.util.Locale.ROOT));
        ts.expect(TokenKind.RPAREN);
        break;
      default:
        seen = f.mask != null;
        f.mask = at;
        ts.expect(TokenKind.LPAREN);
        f.masking = masking();
        ts.expect(TokenKind.RPAREN);
        break;
    }
    if (seen) {
      throw TokenStream.error(at, "duplicate attribute '@" + n + "'");
    }
  }

  private void noArguments(String attribute) {
    if (ts.at(TokenKind.LPAREN)) {
      throw TokenStream.error(ts.peek(), "@" + attribute + " takes no arguments");
    }
  }

  private DefaultNode defaultValue(Token at) {
    DefaultNode d = new DefaultNode();
    d.at = at;
    ts.expect(TokenKind.LPAREN);
    Token first = ts.peek();
    if (first.kind() == TokenKind.IDENT
        && (first.quoted() || !(first.isKeyword("true") || first.isKeyword("false")))
        && !first.isKeyword("null")) {
      d.name = ts.next();
    } else {
      d.literalToken = first;
      d.literal = new ExpressionParser(ts).literal();
      d.literalText = ts.text(first, ts.previous());
    }
    ts.expect(TokenKind.RPAREN);
    return d;
  }

  private Masking masking() {
    Token t =
        ts.expectOneOf(
            "a masking ('omit', 'null', 'redact(..)', 'partial(..)' or 'hash')",
            List.of("omit", "null", "redact", "partial", "hash"));
    switch (t.text()) {
      case "omit":
        return new Masking.Omit();
      case "null":
        return new Masking.Nullify();
      case "hash":
        return new Masking.Hash();
      case "redact":
        {
          ts.expect(TokenKind.LPAREN);
          if (!ts.at(TokenKind.STRING)) {
            throw ts.unexpected("the replacement text");
          }
          String text = ts.next().value();
          ts.expect(TokenKind.RPAREN);
          return new Masking.Redact(text);
        }
      default:
        {
          ts.expect(TokenKind.LPAREN);
          Token n = expectInteger("the number of visible characters");
          int visible = parseSmallInt(n);
          boolean fromEnd = true;
          char maskChar = '*';
          if (ts.accept(TokenKind.COMMA)) {
            fromEnd =
                ts.expectOneOf("'start' or 'end'", List.of("start", "end")).text().equals("end");
            if (ts.accept(TokenKind.COMMA)) {
              if (!ts.at(TokenKind.STRING) || ts.peek().value().length() != 1) {
                throw ts.unexpected("a one-character string");
              }
              maskChar = ts.next().value().charAt(0);
            }
          }
          ts.expect(TokenKind.RPAREN);
          return new Masking.Partial(visible, fromEnd, maskChar);
        }
    }
  }

  private static int parseSmallInt(Token t) {
    try {
      return Integer.parseInt(t.text());
    } catch (NumberFormatException e) {
      throw TokenStream.error(t, "number out of range: " + t.text());
    }
  }

  private RelationNode relation() {
    RelationNode r = new RelationNode();
    r.name = ts.expectName("a relation name");
    ts.expect(TokenKind.COLON);
    List<String> sides = List.of("one", "many");
    Token a = ts.expectOneOf("'one' or 'many'", sides);
    ts.expectKeyword("to");
    Token b = ts.expectOneOf("'one' or 'many'", sides);
    boolean manyA = a.text().equals("many");
    boolean manyB = b.text().equals("many");
    r.cardinality =
        manyA
            ? (manyB ? Cardinality.MANY_TO_MANY : Cardinality.MANY_TO_ONE)
            : (manyB ? Cardinality.ONE_TO_MANY : Cardinality.ONE_TO_ONE);
    r.target = ts.expectName("the target entity");
    if (ts.acceptKeyword("by")) {
      r.by = ts.expectName("a key field after 'by'");
    } else if (ts.accept(TokenKind.LPAREN)) {
      r.fromField = ts.expectName("a field of this entity");
      ts.expect(TokenKind.ARROW);
      r.toField = ts.expectName("a field of " + r.target.value());
      ts.expect(TokenKind.RPAREN);
    }
    if (ts.atKeyword("through")) {
      ts.next();
      r.through = ts.expectName("the edge entity after 'through'");
      ts.expect(TokenKind.LPAREN);
      r.edgeFromField = ts.expectName("the edge's key to this entity");
      ts.expect(TokenKind.COMMA);
      r.edgeToField = ts.expectName("the edge's key to " + r.target.value());
      ts.expect(TokenKind.RPAREN);
    }
    if (ts.at(TokenKind.LBRACE)) {
      linkFields(r);
    }
    if (ts.atKeyword("on")) {
      r.onDeleteToken = ts.peek();
      r.onDelete = onDelete();
      if (ts.at(TokenKind.LBRACE) && r.linkFields == null) {
        throw TokenStream.error(
            ts.peek(),
            "link fields come right after the edge: through "
                + (r.through == null ? "<Edge>" : r.through.value())
                + "(...) { ... } on delete ...");
      }
    }
    return r;
  }

  /**
   * {@code { field type ... }} after {@code through Edge(a, b)}: the link fields of a many-to-many
   * relation, declaring the edge entity with them.
   */
  private void linkFields(RelationNode r) {
    Token open = ts.peek();
    if (r.cardinality != Cardinality.MANY_TO_MANY) {
      throw TokenStream.error(
          open,
          "link fields '{ ... }' belong to a many-to-many relation, but relation '"
              + r.name.value()
              + "' is "
              + r.cardinality.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
    if (r.through == null) {
      throw TokenStream.error(
          open,
          "link fields need the edge they are stored on: through <Edge>(<keyToThis>,"
              + " <keyToTarget>) { ... }");
    }
    ts.next();
    r.linkOpen = open;
    r.linkFields = new java.util.ArrayList<>();
    while (!ts.at(TokenKind.RBRACE)) {
      if (!ts.at(TokenKind.IDENT)) {
        throw ts.unexpected("a link field or '}'");
      }
      r.linkFields.add(field());
      if (!ts.accept(TokenKind.COMMA)) {
        ts.accept(TokenKind.SEMICOLON);
      }
    }
    ts.expect(TokenKind.RBRACE);
  }

  private OnDelete onDelete() {
    ts.expectKeyword("on");
    ts.expectKeyword("delete");
    Token rule =
        ts.expectOneOf(
            "'cascade', 'restrict' or 'set null'", List.of("cascade", "restrict", "set"));
    if (rule.text().equals("set")) {
      ts.expectKeyword("null");
      return OnDelete.SET_NULL;
    }
    return rule.text().equals("cascade") ? OnDelete.CASCADE : OnDelete.RESTRICT;
  }

  private Token optionalName() {
    return ts.at(TokenKind.IDENT) ? ts.next() : null;
  }

  private List<Token> fieldList(List<Token> out) {
    ts.expect(TokenKind.LPAREN);
    do {
      out.add(ts.expectName("a field name"));
    } while (ts.accept(TokenKind.COMMA));
    ts.expect(TokenKind.RPAREN);
    return out;
  }

  private UniqueNode unique(Token keyword) {
    UniqueNode u = new UniqueNode();
    u.keyword = keyword;
    u.name = optionalName();
    fieldList(u.fields);
    return u;
  }

  private IndexNode index(Token keyword) {
    IndexNode i = new IndexNode();
    i.keyword = keyword;
    i.name = optionalName();
    fieldList(i.fields);
    if (ts.acceptKeyword("using")) {
      Token kind = ts.expectOneOf("'hash' or 'btree'", List.of("hash", "btree"));
      i.kind = kind.text().equals("hash") ? IndexDef.Kind.HASH : IndexDef.Kind.BTREE;
    }
    return i;
  }

  private CheckNode check(Token keyword) {
    CheckNode c = new CheckNode();
    c.keyword = keyword;
    c.name = optionalName();
    ts.expect(TokenKind.LPAREN);
    Token first = ts.peek();
    ExpressionParser ep = new ExpressionParser(ts);
    c.expression = ep.expression();
    c.source = ts.text(first, ts.previous()).trim();
    c.fieldRefs = ep.fieldRefs();
    c.attributeRefs = ep.attributeRefs();
    ts.expect(TokenKind.RPAREN);
    return c;
  }

  private ForeignKeyNode foreignKey(Token keyword) {
    ForeignKeyNode fk = new ForeignKeyNode();
    fk.keyword = keyword;
    ts.next(); // key
    fk.name = optionalName();
    ts.expect(TokenKind.LPAREN);
    fk.field = ts.expectName("a field name");
    if (ts.at(TokenKind.COMMA)) {
      throw TokenStream.error(ts.peek(), "a foreign key has exactly one field");
    }
    ts.expect(TokenKind.RPAREN);
    ts.expectKeyword("references");
    fk.references = ts.expectName("the referenced entity");
    if (ts.accept(TokenKind.LPAREN)) {
      fk.referencedField = ts.expectName("the referenced field");
      ts.expect(TokenKind.RPAREN);
    }
    fk.onDelete = ts.atKeyword("on") ? onDelete() : OnDelete.RESTRICT;
    return fk;
  }

  private void orderBy(EntityNode e) {
    Token kw = ts.next();
    ts.next(); // by
    if (e.orderBy != null) {
      throw TokenStream.error(kw, "'order by' is given twice");
    }
    e.orderBy = kw;
    do {
      OrderNode o = new OrderNode();
      o.field = ts.expectName("a field name");
      o.direction = OrderSpec.Direction.ASC;
      if (ts.acceptKeyword("desc")) {
        o.direction = OrderSpec.Direction.DESC;
      } else {
        ts.acceptKeyword("asc");
      }
      o.nulls = OrderSpec.Nulls.DEFAULT;
      // 'nulls first' / 'nulls last' (a member named nulls may follow the order by otherwise)
      if (ts.atKeyword("nulls")
          && (ts.peek(1).isKeyword("first") || ts.peek(1).isKeyword("last"))) {
        ts.next();
        o.nulls = ts.next().text().equals("first") ? OrderSpec.Nulls.FIRST : OrderSpec.Nulls.LAST;
      }
      e.order.add(o);
    } while (ts.accept(TokenKind.COMMA));
  }

  private void policy() {
    PolicyNode p = new PolicyNode();
    p.name = ts.expectName("a policy name");
    ts.expectKeyword("on");
    p.entity = ts.expectName("an entity name");
    if (ts.acceptKeyword("restrictive")) {
      p.kind = PolicyDef.Kind.RESTRICTIVE;
    } else {
      ts.acceptKeyword("permissive");
    }
    if (ts.acceptKeyword("for")) {
      List<String> ops = List.of("select", "insert", "update", "delete", "all");
      do {
        Token op = ts.expectOneOf("an operation (select, insert, update, delete or all)", ops);
        if (op.text().equals("all")) {
          p.operations.addAll(List.of(PolicyDef.Operation.values()));
        } else {
          p.operations.add(
              PolicyDef.Operation.valueOf(op.text().toUpperCase(java.util.Locale.ROOT)));
        }
      } while (ts.accept(TokenKind.COMMA));
    } else {
      p.operations.addAll(List.of(PolicyDef.Operation.values()));
    }
    ts.expectKeyword("using");
    ts.expect(TokenKind.LPAREN);
    ExpressionParser ep = new ExpressionParser(ts);
    p.using = ep.expression();
    p.fieldRefs = ep.fieldRefs();
    ts.expect(TokenKind.RPAREN);
    if (ts.acceptKeyword("bypass")) {
      if (!ts.at(TokenKind.STRING)) {
        throw ts.unexpected("a capability in quotes, e.g. \"admin\"");
      }
      p.bypass = ts.next().value();
    }
    syntax.policies.add(p);
  }
}
