package io.ormdb.protocol.lang.query;

import io.ormdb.protocol.Nesting;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.lang.internal.ExpressionParser;
import io.ormdb.protocol.lang.internal.ExpressionParser.NameRef;
import io.ormdb.protocol.lang.internal.Token;
import io.ormdb.protocol.lang.internal.TokenKind;
import io.ormdb.protocol.lang.internal.TokenStream;
import io.ormdb.protocol.mutation.Expr;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldPath;
import io.ormdb.protocol.schema.LinkFields;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the query language: Prisma-style method chains on an entity, such as {@code
 * User.findMany().where(age > 18).include(posts, limit: 5).orderBy(name).limit(10)}. The language
 * is described in {@code docs/query-language.md}. The first problem stops the parse with a {@link
 * io.ormdb.protocol.lang.ParseException} giving its line and column.
 *
 * <p>Expressions and the rows of nested writes nest at most {@link Nesting#MAX_LEVELS} deep.
 *
 * <p>In an include, {@code @name} names a link field of a many-to-many relation (in its select,
 * where and orderBy); anywhere else a link field is an error at its position.
 *
 * <p>Names of entities, fields and relations are checked when the statement is planned, except the
 * order keys and link fields of a find when the parser is given the schema ({@link #parse(String,
 * SchemaBundle)}): they are checked as they are read, so a mistake in one is reported at its
 * position. Rows inserted through a relation ({@code posts: [{..}]} in {@code create}) get the
 * empty string as their entity; the planner takes it from the relation.
 */
public final class QueryParser {
  static final List<String> ROOT_METHODS =
      List.of(
          "findMany",
          "findFirst",
          "findUnique",
          "count",
          "aggregate",
          "create",
          "update",
          "updateMany",
          "delete",
          "deleteMany",
          "upsert");
  static final List<String> FIND_METHODS =
      List.of("where", "include", "orderBy", "limit", "offset", "after", "asOf", "select");
  static final List<String> AGGREGATE_METHODS = List.of("where", "groupBy", "asOf");
  static final List<String> INCLUDE_OPTIONS =
      List.of("where", "orderBy", "limit", "after", "select");
  static final List<String> FUNCTIONS = List.of("count", "sum", "avg", "min", "max");
  // desc first: a near miss such as "dsc" is as close to asc, and desc is the one people write
  static final List<String> ORDER_MODIFIERS = List.of("desc", "asc", "nullsFirst", "nullsLast");

  private final TokenStream ts;
  private final SchemaBundle schema;
  private int objectDepth;

  /** The rows named so far in the batch being read ({@code let ann = ...}); null outside one. */
  private Map<String, Named> names;

  /** A row named in a batch: its entity, and the token of its name. */
  private record Named(String entity, Token token) {}

  private QueryParser(String text, SchemaBundle schema) {
    this.ts = new TokenStream(text);
    this.schema = schema;
  }

  /** One statement (a trailing {@code ;} is allowed). */
  public static Statement parse(String text) {
    return parse(text, null);
  }

  /**
   * One statement, with the order keys of a find or explain checked against {@code schema} (null:
   * not checked) as they are read: an order key whose path names an unknown relation or field, a
   * field where a relation must be, or a to-many relation, is an error at the position of that
   * name. Other names are checked when the statement is planned, and so are order keys of a root
   * entity or include path the schema does not know.
   */
  public static Statement parse(String text, SchemaBundle schema) {
    QueryParser p = new QueryParser(text, schema);
    Statement s = p.statement();
    p.ts.accept(TokenKind.SEMICOLON);
    if (!p.ts.at(TokenKind.EOF)) {
      throw p.ts.unexpected("end of input");
    }
    return s;
  }

  /** Statements separated by {@code ;}, in order. */
  public static List<Statement> parseScript(String text) {
    return parseScript(text, null);
  }

  /**
   * Statements separated by {@code ;}, in order, with order keys checked against {@code schema} as
   * {@link #parse(String, SchemaBundle)} does.
   */
  public static List<Statement> parseScript(String text, SchemaBundle schema) {
    QueryParser p = new QueryParser(text, schema);
    List<Statement> out = new ArrayList<>();
    while (true) {
      while (p.ts.accept(TokenKind.SEMICOLON)) {
        // empty statements are allowed
      }
      if (p.ts.at(TokenKind.EOF)) {
        return out;
      }
      out.add(p.statement());
      if (!p.ts.at(TokenKind.EOF) && !p.ts.at(TokenKind.SEMICOLON)) {
        throw p.ts.unexpected("';' or end of input");
      }
    }
  }

  /** A filter expression on its own, as written inside {@code where(...)}. */
  public static Filter parseFilter(String text) {
    QueryParser p = new QueryParser(text, null);
    Filter f = new ExpressionParser(p.ts).expression();
    if (!p.ts.at(TokenKind.EOF)) {
      throw p.ts.unexpected("end of input");
    }
    return f;
  }

  // ---- statements ----

  private Statement statement() {
    if (ts.atKeyword("explain")) {
      ts.next();
      boolean analyze = ts.acceptKeyword("analyze");
      Token start = ts.peek();
      Statement s = call();
      if (!(s instanceof Statement.Find f)) {
        throw TokenStream.error(
            start, "explain works on findMany, findFirst and findUnique queries");
      }
      return new Statement.Explain(f.query(), analyze);
    }
    if (ts.atKeyword("batch") && ts.peek(1).is(TokenKind.LBRACE)) {
      Token batch = ts.next();
      ts.next();
      List<Mutation> mutations = new ArrayList<>();
      names = new LinkedHashMap<>();
      while (!ts.at(TokenKind.RBRACE)) {
        Token label = atLet() ? letName() : null;
        Token start = ts.peek();
        Statement s = call();
        if (!(s instanceof Statement.Write w)) {
          throw TokenStream.error(start, "a batch holds only writes");
        }
        Mutation m = w.batch().mutations().get(0);
        if (label != null) {
          if (m instanceof Mutation.Insert ins) {
            m = ins.named(label.value());
          } else if (m instanceof Mutation.Upsert up) {
            m = up.named(label.value());
          } else {
            throw TokenStream.error(
                start,
                "let names the row of a create(...) or an upsert(...), not of " + m.describe());
          }
          names.put(label.value(), new Named(m.entity(), label));
        }
        mutations.add(m);
        if (!ts.accept(TokenKind.SEMICOLON) && !ts.at(TokenKind.RBRACE)) {
          throw ts.unexpected("';' or '}'");
        }
      }
      names = null;
      ts.expect(TokenKind.RBRACE);
      if (mutations.isEmpty()) {
        throw TokenStream.error(batch, "a batch needs at least one write");
      }
      return new Statement.Write(new MutationBatch(mutations));
    }
    if (atLet()) {
      throw TokenStream.error(
          ts.peek(),
          "let names a row for the later writes of the same batch: write it inside batch { ... }");
    }
    return call();
  }

  /** At {@code let <name> =}. */
  private boolean atLet() {
    return ts.atKeyword("let") && ts.peek(1).is(TokenKind.IDENT) && ts.peek(2).is(TokenKind.ASSIGN);
  }

  /** {@code let <name> =}: the name, new in this batch. */
  private Token letName() {
    ts.next();
    Token name = ts.next();
    Named earlier = names.get(name.value());
    if (earlier != null) {
      throw TokenStream.error(
          name,
          "'"
              + name.value()
              + "' already names a row of this batch (line "
              + earlier.token().line()
              + ":"
              + earlier.token().column()
              + ")");
    }
    ts.expect(TokenKind.ASSIGN);
    return name;
  }

  private Statement call() {
    Token entityTok = ts.expectName("an entity name");
    String entity = entityTok.value();
    ts.expect(TokenKind.DOT);
    Token method = ts.expectName("a method name");
    String m = method.value();
    if (method.quoted() || !ROOT_METHODS.contains(m)) {
      String hint = Suggestions.didYouMean(m, ROOT_METHODS);
      throw TokenStream.error(
          method,
          "unknown method '"
              + m
              + "'"
              + (hint.isEmpty()
                  ? "; a statement starts with " + String.join(", ", ROOT_METHODS)
                  : hint));
    }
    switch (m) {
      case "findMany":
        return find(entity, method, Statement.Find.Kind.MANY);
      case "findFirst":
        return find(entity, method, Statement.Find.Kind.FIRST);
      case "findUnique":
        return find(entity, method, Statement.Find.Kind.UNIQUE);
      case "count":
      case "aggregate":
        return aggregate(entity, method);
      case "create":
        return create(entity);
      case "update":
        return update(entity, method);
      case "updateMany":
        return updateMany(entity, method);
      case "delete":
        return delete(entity);
      case "deleteMany":
        return deleteMany(entity, method);
      default:
        return upsert(entity);
    }
  }

  /** The chained calls after a root method: tracks which were given and refuses repeats. */
  private final class Chain {
    private final String root;
    private final List<String> allowed;
    private final Set<String> seen = new HashSet<>();
    Token current;

    Chain(String root, List<String> allowed) {
      this.root = root;
      this.allowed = allowed;
    }

    /** The next chained method's name, or null at the end of the chain. */
    String next() {
      if (!ts.accept(TokenKind.DOT)) {
        return null;
      }
      current = ts.expectName("a method name");
      String m = current.value();
      if (!allowed.contains(m) || current.quoted()) {
        if (allowed.isEmpty()) {
          throw TokenStream.error(current, "nothing can follow " + root + "(...)");
        }
        String hint = Suggestions.didYouMean(m, allowed);
        throw TokenStream.error(
            current,
            (isKnown(m)
                    ? "'" + m + "' is not available after "
                    : "unknown method '" + m + "' after ")
                + root
                + "()"
                + (hint.isEmpty() ? "; use " + String.join(", ", allowed) : hint));
      }
      if (!m.equals("include") && !m.equals("orderBy") && !seen.add(m)) {
        throw TokenStream.error(current, m + "(...) is given twice");
      }
      ts.expect(TokenKind.LPAREN);
      return m;
    }

    boolean has(String m) {
      return seen.contains(m);
    }
  }

  private static boolean isKnown(String m) {
    return ROOT_METHODS.contains(m)
        || FIND_METHODS.contains(m)
        || AGGREGATE_METHODS.contains(m)
        || m.equals("set")
        || m.equals("expectVersion");
  }

  private Statement find(String entity, Token method, Statement.Find.Kind kind) {
    ts.expect(TokenKind.LPAREN);
    ts.expect(TokenKind.RPAREN);
    String root = method.value();
    Chain chain = new Chain(root, FIND_METHODS);
    Filter filter = null;
    List<String> fields = new ArrayList<>();
    List<Key> order = new ArrayList<>();
    List<Include> includes = new ArrayList<>();
    List<RelationAggregate> aggregates = new ArrayList<>();
    Map<String, List<Key>> includeOrder = new LinkedHashMap<>();
    Map<String, List<NameRef>> includeLinks = new LinkedHashMap<>();
    List<NameRef> rootLinks = new ArrayList<>();
    Map<String, Token> includePaths = new LinkedHashMap<>();
    int limit = kind == Statement.Find.Kind.FIRST ? 1 : 0;
    int offset = 0;
    String cursor = null;
    long asOf = 0;
    Token offsetTok = null;
    Token afterTok = null;
    String m;
    while ((m = chain.next()) != null) {
      Token at = chain.current;
      if (kind != Statement.Find.Kind.MANY
          && (m.equals("limit")
              || (kind == Statement.Find.Kind.UNIQUE
                  && (m.equals("offset") || m.equals("after"))))) {
        throw TokenStream.error(at, m + "(...) does not apply to " + root + "()");
      }
      switch (m) {
        case "where":
          filter = expression(rootLinks);
          break;
        case "include":
          Token pathTok = ts.peek();
          List<Key> incOrder = new ArrayList<>();
          List<NameRef> incLinks = new ArrayList<>();
          Include inc = include(incOrder, incLinks);
          if (includePaths.putIfAbsent(inc.path(), pathTok) != null) {
            throw TokenStream.error(pathTok, "'" + inc.path() + "' is included twice");
          }
          includes.add(inc);
          includeOrder.put(inc.path(), incOrder);
          includeLinks.put(inc.path(), incLinks);
          break;
        case "orderBy":
          order.addAll(orderKeys());
          break;
        case "limit":
          limit = count("the limit");
          break;
        case "offset":
          offsetTok = at;
          offset = count("the offset");
          break;
        case "after":
          afterTok = at;
          cursor = cursor();
          break;
        case "asOf":
          asOf = lsn();
          break;
        default:
          selection(false, fields, aggregates, rootLinks);
          break;
      }
      ts.expect(TokenKind.RPAREN);
    }
    for (Key k : order) {
      if (LinkFields.isLink(k.spec().field())) {
        rootLinks.add(new NameRef(k.spec().field(), k.names().get(0)));
      }
    }
    for (NameRef link : rootLinks) {
      if (LinkFields.isLink(link.name())) {
        throw linkError(link);
      }
    }
    if (offsetTok != null && afterTok != null) {
      Token later = offsetTok.start() > afterTok.start() ? offsetTok : afterTok;
      throw TokenStream.error(later, "after(...) and offset(...) cannot be combined");
    }
    if (kind == Statement.Find.Kind.UNIQUE && filter == null) {
      throw TokenStream.error(method, "findUnique() needs a where(...) naming the row");
    }
    for (Map.Entry<String, Token> e : includePaths.entrySet()) {
      String path = e.getKey();
      int dot = path.lastIndexOf('.');
      if (dot > 0 && !includePaths.containsKey(path.substring(0, dot))) {
        throw TokenStream.error(
            e.getValue(),
            "include '"
                + path
                + "' needs its parent path '"
                + path.substring(0, dot)
                + "' included too");
      }
    }
    if (schema != null) {
      checkOrderKeys(entity, order, includeOrder, includeLinks);
    }
    GraphQuery q =
        new GraphQuery(
            entity,
            fields,
            filter,
            specs(order),
            new Pagination(limit, offset, cursor),
            includes,
            asOf == 0 ? ReadOptions.DEFAULT : ReadOptions.asOf(asOf),
            aggregates);
    return new Statement.Find(q, kind);
  }

  private Filter expression() {
    return new ExpressionParser(ts).expression();
  }

  /** A filter that may name link fields ({@code @name}); their references go to {@code links}. */
  private Filter expression(List<NameRef> links) {
    ExpressionParser ep = new ExpressionParser(ts, true);
    Filter f = ep.expression();
    for (NameRef r : ep.fieldRefs()) {
      if (LinkFields.isLink(r.name())) {
        links.add(r);
      }
    }
    return f;
  }

  /** A link field named where no include is: an error at its position. */
  private static RuntimeException linkError(NameRef link) {
    try {
      LinkFields.resolve(SchemaBundle.empty(), null, link.name());
      throw new IllegalStateException("not an error: " + link.name());
    } catch (OrmDbException e) {
      return TokenStream.error(link.token(), e.getMessage());
    }
  }

  /**
   * An include; the keys of its {@code orderBy} option go to {@code order} too, and the link fields
   * its select and where name to {@code links}.
   */
  private Include include(List<Key> order, List<NameRef> links) {
    StringBuilder path = new StringBuilder(ts.expectName("a relation path").value());
    while (ts.accept(TokenKind.DOT)) {
      path.append('.').append(ts.expectName("a relation name after '.'").value());
    }
    List<String> fields = new ArrayList<>();
    List<RelationAggregate> aggregates = new ArrayList<>();
    Filter filter = null;
    int limit = 0;
    String cursor = null;
    Set<String> seen = new HashSet<>();
    while (ts.accept(TokenKind.COMMA)) {
      Token opt = ts.expectName("an include option (where, orderBy, limit, after or select)");
      if (!INCLUDE_OPTIONS.contains(opt.value())) {
        throw TokenStream.error(
            opt,
            "unknown include option '"
                + opt.value()
                + "'"
                + Suggestions.didYouMean(opt.value(), INCLUDE_OPTIONS));
      }
      if (!seen.add(opt.value())) {
        throw TokenStream.error(opt, "include option '" + opt.value() + "' is given twice");
      }
      ts.expect(TokenKind.COLON);
      switch (opt.value()) {
        case "where":
          filter = expression(links);
          break;
        case "orderBy":
          order.addAll(bracketed(this::orderKey));
          break;
        case "limit":
          limit = count("the limit");
          break;
        case "after":
          cursor = cursor();
          break;
        default:
          selection(true, fields, aggregates, links);
          break;
      }
    }
    return new Include(
        path.toString(),
        fields,
        filter,
        specs(order),
        new Pagination(limit, 0, cursor),
        aggregates);
  }

  /**
   * The items of a select: field names, link fields ({@code @name}, to {@code links} too) and
   * {@code label: function(relation.field, where: ...)} aggregates over a relation, separated by
   * commas; in an include ({@code bracketed}) one item or {@code [item, ...]}. A label may not
   * repeat a label or field of the same select.
   */
  private void selection(
      boolean bracketed,
      List<String> fields,
      List<RelationAggregate> aggregates,
      List<NameRef> links) {
    Map<String, Token> names = new LinkedHashMap<>();
    Item<String> item =
        () -> {
          if (ts.at(TokenKind.AT)) {
            Token at = ts.next();
            String link = "@" + ts.expectName("a link field name after '@'").value();
            if (ts.at(TokenKind.COLON)) {
              throw TokenStream.error(
                  at, "an aggregate's label is a name, not a link field ('" + link + "')");
            }
            if (names.putIfAbsent(link, at) != null) {
              throw TokenStream.error(at, "'" + link + "' is selected twice");
            }
            fields.add(link);
            links.add(new NameRef(link, at));
            return link;
          }
          Token name = ts.expectName("a field name, or a label and ':' before an aggregate");
          boolean aggregate = ts.accept(TokenKind.COLON);
          Token before = names.putIfAbsent(name.value(), name);
          if (before != null
              && (aggregate || aggregates.stream().anyMatch(a -> a.label().equals(name.value())))) {
            throw TokenStream.error(name, "'" + name.value() + "' is selected twice");
          }
          if (aggregate) {
            aggregates.add(relationAggregate(name.value()));
          } else {
            fields.add(name.value());
          }
          return name.value();
        };
    if (bracketed) {
      bracketed(item);
    } else {
      do {
        item.parse();
      } while (ts.accept(TokenKind.COMMA));
    }
  }

  /** {@code function(relation)}, {@code function(relation.field)}, then {@code , where: ...}. */
  private RelationAggregate relationAggregate(String label) {
    Token fn = ts.expectName("an aggregate function (count, sum, avg, min or max)");
    if (!FUNCTIONS.contains(fn.value()) || fn.quoted()) {
      throw TokenStream.error(
          fn,
          "unknown aggregate function '"
              + fn.value()
              + "'"
              + Suggestions.didYouMean(fn.value(), FUNCTIONS));
    }
    AggregateQuery.Function f =
        AggregateQuery.Function.valueOf(fn.value().toUpperCase(Locale.ROOT));
    ts.expect(TokenKind.LPAREN);
    if (!ts.at(TokenKind.IDENT)) {
      throw ts.unexpected(
          "the relation "
              + fn.value()
              + "(...) reads, as in "
              + fn.value()
              + (f == AggregateQuery.Function.COUNT ? "(<relation>)" : "(<relation>.<field>)"));
    }
    Token relation = ts.next();
    String field = null;
    if (ts.accept(TokenKind.DOT)) {
      field = ts.expectName("a field of the related rows after '.'").value();
      if (ts.at(TokenKind.DOT)) {
        throw TokenStream.error(
            ts.peek(),
            "an aggregate reads one relation: include '"
                + relation.value()
                + "' and select the aggregate there");
      }
    } else if (f != AggregateQuery.Function.COUNT) {
      throw TokenStream.error(
          relation,
          fn.value()
              + "(...) needs a field of the related rows: "
              + fn.value()
              + "("
              + relation.value()
              + ".<field>)");
    }
    Filter filter = null;
    if (ts.accept(TokenKind.COMMA)) {
      Token opt = ts.expectName("'where'");
      if (!opt.value().equals("where") || opt.quoted()) {
        String hint = Suggestions.didYouMean(opt.value(), List.of("where"));
        throw TokenStream.error(
            opt,
            "unknown aggregate option '"
                + opt.value()
                + "'"
                + (hint.isEmpty() ? "; an aggregate takes only where: <filter>" : hint));
      }
      ts.expect(TokenKind.COLON);
      filter = expression();
    }
    ts.expect(TokenKind.RPAREN);
    return new RelationAggregate(label, f, relation.value(), field, filter);
  }

  private interface Item<T> {
    T parse();
  }

  /** One item, or {@code [item, ...]}. */
  private <T> List<T> bracketed(Item<T> item) {
    List<T> out = new ArrayList<>();
    if (ts.accept(TokenKind.LBRACKET)) {
      do {
        out.add(item.parse());
      } while (ts.accept(TokenKind.COMMA));
      ts.expect(TokenKind.RBRACKET);
    } else {
      out.add(item.parse());
    }
    return out;
  }

  /** An order key as written: the key, and the token of each name of its path. */
  private record Key(OrderSpec spec, List<Token> names) {}

  private List<Key> orderKeys() {
    List<Key> out = new ArrayList<>();
    do {
      out.add(orderKey());
    } while (ts.accept(TokenKind.COMMA));
    return out;
  }

  /**
   * A field or a path to a related row's field ({@code person.last_name}), then optionally {@code
   * .asc} or {@code .desc}, then optionally {@code .nullsFirst} or {@code .nullsLast}. After the
   * first name, an unquoted {@code asc}, {@code desc}, {@code nullsFirst} or {@code nullsLast} is a
   * modifier; a relation or field of such a name is written in backquotes.
   */
  private Key orderKey() {
    List<Token> names = new ArrayList<>();
    String link = null;
    if (ts.at(TokenKind.AT)) {
      Token at = ts.next();
      link = "@" + ts.expectName("a link field name after '@'").value();
      names.add(at);
    } else {
      names.add(ts.expectName("a field to order by"));
    }
    OrderSpec.Direction dir = OrderSpec.Direction.ASC;
    OrderSpec.Nulls nulls = OrderSpec.Nulls.DEFAULT;
    Token direction = null;
    Token placement = null;
    while (ts.accept(TokenKind.DOT)) {
      Token m = ts.peek();
      boolean modifier = m.kind() == TokenKind.IDENT && !m.quoted() && isOrderModifier(m.text());
      if (!modifier) {
        if (link != null) {
          throw ts.unexpectedSuggesting(
              "'asc', 'desc', 'nullsFirst' or 'nullsLast' after the link field '" + link + "'",
              ORDER_MODIFIERS);
        }
        if (placement != null) {
          throw TokenStream.error(
              m, "nothing follows the nulls placement '" + placement.text() + "' of an order key");
        }
        if (direction != null) {
          throw ts.unexpectedSuggesting(
              "'nullsFirst' or 'nullsLast' after '" + direction.text() + "'",
              List.of("nullsFirst", "nullsLast"));
        }
        names.add(ts.expectName("a relation or field name after '.'"));
        continue;
      }
      ts.next();
      boolean isDirection = m.text().equals("asc") || m.text().equals("desc");
      String path = link != null ? link : path(names);
      if (isDirection && placement != null) {
        throw TokenStream.error(
            m,
            "the direction comes before the nulls placement: write "
                + path
                + "."
                + m.text()
                + "."
                + placement.text());
      }
      Token earlier = isDirection ? direction : placement;
      if (earlier != null) {
        throw TokenStream.error(
            m,
            "'"
                + m.text()
                + "' after '"
                + earlier.text()
                + "': an order key has one "
                + (isDirection ? "direction" : "nulls placement"));
      }
      if (isDirection) {
        direction = m;
        dir = OrderSpec.Direction.valueOf(m.text().toUpperCase(Locale.ROOT));
      } else {
        placement = m;
        nulls = m.text().equals("nullsFirst") ? OrderSpec.Nulls.FIRST : OrderSpec.Nulls.LAST;
      }
    }
    return new Key(
        new OrderSpec(link != null ? link : path(names), dir, nulls), List.copyOf(names));
  }

  /**
   * Resolves the order keys and link fields of a find against the schema: of the root entity, and
   * of each include whose path leads somewhere (the planner reports the rest).
   */
  private void checkOrderKeys(
      String rootEntity,
      List<Key> root,
      Map<String, List<Key>> includes,
      Map<String, List<NameRef>> links) {
    EntityDef entity = schema.entity(rootEntity).orElse(null);
    if (entity == null) {
      return;
    }
    checkOrderKeys(entity, null, root);
    for (Map.Entry<String, List<Key>> inc : includes.entrySet()) {
      EntityDef at = entity;
      RelationDef rel = null;
      for (String name : inc.getKey().split("\\.")) {
        rel = at == null ? null : schema.relation(at.name(), name).orElse(null);
        at = rel == null ? null : schema.entity(rel.toEntity()).orElse(null);
      }
      if (at != null) {
        for (NameRef link : links.getOrDefault(inc.getKey(), List.of())) {
          checkLink(link, rel);
        }
        checkOrderKeys(at, rel, inc.getValue());
      }
    }
  }

  /** Resolves a link field of the include over {@code rel}; an error at its position. */
  private void checkLink(NameRef link, RelationDef rel) {
    try {
      LinkFields.resolve(schema, rel, link.name());
    } catch (OrmDbException e) {
      throw TokenStream.error(link.token(), e.getMessage());
    }
  }

  private void checkOrderKeys(EntityDef entity, RelationDef rel, List<Key> keys) {
    for (Key k : keys) {
      if (LinkFields.isLink(k.spec().field())) {
        checkLink(new NameRef(k.spec().field(), k.names().get(0)), rel);
        continue;
      }
      try {
        FieldPath.resolve(schema, entity, k.spec().field());
      } catch (FieldPath.Problem p) {
        List<Token> names = k.names();
        Token last = names.get(names.size() - 1);
        if (p.kind() == FieldPath.Problem.Kind.FIELD_NOT_RELATION
            && p.name() == names.size() - 2
            && !last.quoted()) {
          // age.dsc: a misspelled direction or nulls placement after a field
          String hint = Suggestions.didYouMean(last.value(), ORDER_MODIFIERS);
          if (!hint.isEmpty()) {
            throw TokenStream.error(
                last,
                "expected 'asc', 'desc', 'nullsFirst' or 'nullsLast' after field '"
                    + names.get(p.name()).value()
                    + "' but found "
                    + last.describe()
                    + hint);
          }
        }
        throw TokenStream.error(names.get(p.name()), p.getMessage());
      }
    }
  }

  private static boolean isOrderModifier(String word) {
    return ORDER_MODIFIERS.contains(word);
  }

  private static String path(List<Token> names) {
    StringBuilder sb = new StringBuilder();
    for (Token t : names) {
      sb.append(sb.length() == 0 ? "" : ".").append(t.value());
    }
    return sb.toString();
  }

  private static List<OrderSpec> specs(List<Key> keys) {
    List<OrderSpec> out = new ArrayList<>(keys.size());
    for (Key k : keys) {
      out.add(k.spec());
    }
    return out;
  }

  private List<String> names() {
    List<String> out = new ArrayList<>();
    do {
      out.add(ts.expectName("a field name").value());
    } while (ts.accept(TokenKind.COMMA));
    return out;
  }

  private int count(String what) {
    if (!ts.at(TokenKind.INTEGER)) {
      throw ts.unexpected("a whole number for " + what);
    }
    Token t = ts.next();
    try {
      return Integer.parseInt(t.text());
    } catch (NumberFormatException e) {
      throw TokenStream.error(t, what + " is too large: " + t.text());
    }
  }

  private long lsn() {
    if (!ts.at(TokenKind.INTEGER)) {
      throw ts.unexpected("a log sequence number");
    }
    Token t = ts.next();
    try {
      long l = Long.parseLong(t.text());
      if (l > 0) {
        return l;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw TokenStream.error(t, "asOf needs a log sequence number from 1 to " + Long.MAX_VALUE);
  }

  private String cursor() {
    if (!ts.at(TokenKind.STRING)) {
      throw ts.unexpected("a cursor string");
    }
    return ts.next().value();
  }

  // ---- aggregates ----

  private Statement aggregate(String entity, Token method) {
    ts.expect(TokenKind.LPAREN);
    List<AggregateQuery.Aggregation> aggs = new ArrayList<>();
    if (method.value().equals("count")) {
      String field = ts.at(TokenKind.IDENT) ? ts.next().value() : null;
      aggs.add(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, field));
    } else {
      do {
        aggs.add(aggregation());
      } while (ts.accept(TokenKind.COMMA));
    }
    ts.expect(TokenKind.RPAREN);
    Chain chain = new Chain(method.value(), AGGREGATE_METHODS);
    Filter filter = null;
    List<String> groupBy = new ArrayList<>();
    long asOf = 0;
    String m;
    while ((m = chain.next()) != null) {
      switch (m) {
        case "where":
          filter = expression();
          break;
        case "groupBy":
          groupBy.addAll(names());
          break;
        default:
          asOf = lsn();
          break;
      }
      ts.expect(TokenKind.RPAREN);
    }
    return new Statement.Aggregate(
        new AggregateQuery(
            entity,
            aggs,
            filter,
            groupBy,
            asOf == 0 ? ReadOptions.DEFAULT : ReadOptions.asOf(asOf)));
  }

  private AggregateQuery.Aggregation aggregation() {
    Token fn = ts.expectName("an aggregate function (count, sum, avg, min or max)");
    if (!FUNCTIONS.contains(fn.value()) || fn.quoted()) {
      throw TokenStream.error(
          fn,
          "unknown aggregate function '"
              + fn.value()
              + "'"
              + Suggestions.didYouMean(fn.value(), FUNCTIONS));
    }
    AggregateQuery.Function f =
        AggregateQuery.Function.valueOf(fn.value().toUpperCase(Locale.ROOT));
    ts.expect(TokenKind.LPAREN);
    String field = null;
    if (ts.at(TokenKind.IDENT)) {
      field = ts.next().value();
    } else if (f != AggregateQuery.Function.COUNT) {
      throw ts.unexpected("a field for " + fn.value() + "(...)");
    }
    ts.expect(TokenKind.RPAREN);
    return new AggregateQuery.Aggregation(f, field);
  }

  // ---- writes ----

  /** The nested writes through a relation, as the language spells them. */
  static final List<String> NESTED_WRITES =
      List.of("create", "connect", "disconnect", "update", "delete");

  /** Where an object of field values is written, which decides what its values may be. */
  private enum Ctx {
    /** The row of a create, or a row created through a relation: may nest writes. */
    CREATE(false),
    /** The set of an update: may read the row's fields and nest writes. */
    UPDATE(true),
    /** The set of an updateMany or an upsert: may read the row's fields. */
    SET(true),
    /** A key naming a row, or the values of a row an upsert creates. */
    KEY(false);

    final boolean readsRow;

    Ctx(boolean readsRow) {
      this.readsRow = readsRow;
    }
  }

  /** The field values of an object as read: literals, computed values and nested writes. */
  private static final class Row {
    final Map<String, Value> data = new LinkedHashMap<>();
    final Map<String, Expr> exprs = new LinkedHashMap<>();
    final List<Mutation.NestedInsert> nested = new ArrayList<>();
    final List<Mutation.NestedWrite> writes = new ArrayList<>();

    Mutation.Insert insert(String entity) {
      return new Mutation.Insert(entity, data, nested, exprs, writes, null);
    }

    /** Every value as an expression (a key's or a nested update's). */
    Map<String, Expr> all() {
      Map<String, Expr> out = new LinkedHashMap<>();
      data.forEach((k, v) -> out.put(k, new Expr.Literal(v)));
      out.putAll(exprs);
      return out;
    }
  }

  private static Statement write(Mutation m) {
    return new Statement.Write(MutationBatch.of(m));
  }

  private Statement create(String entity) {
    ts.expect(TokenKind.LPAREN);
    Mutation.Insert insert = object(Ctx.CREATE, entity).insert(entity);
    ts.expect(TokenKind.RPAREN);
    new Chain("create", List.of()).next();
    return write(insert);
  }

  /**
   * {@code { key: value, ... }} written in {@code ctx}, of a row of {@code entity} ("" when the
   * parser cannot tell: the planner checks it). A value is a literal, a computed value ({@link
   * #value}), or — in a create or an update — writes through the relation named by the key.
   */
  private Row object(Ctx ctx, String entity) {
    Token open = ts.expect(TokenKind.LBRACE);
    enterObject(open);
    Row out = new Row();
    Set<String> keys = new HashSet<>();
    while (!ts.at(TokenKind.RBRACE)) {
      Token key;
      if (ts.at(TokenKind.STRING) || ts.at(TokenKind.IDENT)) {
        key = ts.next();
      } else {
        throw ts.unexpected("a field name or '}'");
      }
      if (!keys.add(key.value())) {
        throw TokenStream.error(key, "duplicate key '" + key.value() + "'");
      }
      ts.expect(TokenKind.COLON);
      Token valueTok = ts.peek();
      boolean rows =
          valueTok.is(TokenKind.LBRACE)
              || (valueTok.is(TokenKind.LBRACKET) && ts.peek(1).is(TokenKind.LBRACE));
      if (rows) {
        nested(ctx, entity, key, out);
      } else {
        Expr v = value(ctx, entity);
        if (v instanceof Expr.Literal l) {
          out.data.put(key.value(), l.value());
        } else {
          out.exprs.put(key.value(), v);
        }
      }
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    ts.expect(TokenKind.RBRACE);
    objectDepth--;
    return out;
  }

  private void enterObject(Token open) {
    if (++objectDepth > Nesting.MAX_LEVELS) {
      throw TokenStream.error(open, Nesting.tooDeep("object"));
    }
  }

  /**
   * The value of key {@code key} that is an object or a list of objects: writes through the
   * relation {@code key} of {@code entity}. In a create, a row or a list of rows to insert, or
   * {@code { create: ..., connect: ... }}; in an update, {@code { create, connect, disconnect,
   * update, delete }}.
   */
  private void nested(Ctx ctx, String entity, Token key, Row out) {
    Token valueTok = ts.peek();
    if (ctx != Ctx.CREATE && ctx != Ctx.UPDATE) {
      throw TokenStream.error(
          valueTok, "nested writes are only allowed in create(...) and update(...)");
    }
    String target = target(entity, key.value());
    if (atNestedWrites(target)) {
      out.writes.add(nestedWrites(ctx, key.value(), target));
      return;
    }
    if (ctx == Ctx.UPDATE) {
      throw TokenStream.error(
          valueTok,
          "an update says what to do with related rows: "
              + key.value()
              + ": { create: [...] }, or connect, disconnect, update or delete");
    }
    List<Mutation.Insert> list = new ArrayList<>();
    for (Row row : rows(target)) {
      list.add(row.insert(""));
    }
    out.nested.add(new Mutation.NestedInsert(key.value(), list));
  }

  /** {@code { .. }} or {@code [{ .. }, ...]}: rows to insert into {@code target}. */
  private List<Row> rows(String target) {
    List<Row> list = new ArrayList<>();
    if (ts.at(TokenKind.LBRACE)) {
      list.add(object(Ctx.CREATE, target));
      return list;
    }
    ts.expect(TokenKind.LBRACKET);
    do {
      if (!ts.at(TokenKind.LBRACE)) {
        throw ts.unexpected("'{' (a list of rows holds only objects)");
      }
      list.add(object(Ctx.CREATE, target));
    } while (ts.accept(TokenKind.COMMA) && !ts.at(TokenKind.RBRACKET));
    ts.expect(TokenKind.RBRACKET);
    return list;
  }

  /**
   * The entity relation {@code relation} of {@code entity} leads to, or "" when the schema does not
   * say.
   */
  private String target(String entity, String relation) {
    if (schema == null || entity.isEmpty()) {
      return "";
    }
    return schema.relation(entity, relation).map(RelationDef::toEntity).orElse("");
  }

  /**
   * Whether the object ahead is {@code { create: ..., connect: ... }} rather than a row: its first
   * key is one of {@link #NESTED_WRITES}. A first key one edit from one of them, whose value is an
   * object or a list of objects, is a misspelling unless the schema says {@code target} has a field
   * or relation of that name.
   */
  private boolean atNestedWrites(String target) {
    if (!ts.at(TokenKind.LBRACE)) {
      return false;
    }
    Token first = ts.peek(1);
    if (!(first.is(TokenKind.IDENT) || first.is(TokenKind.STRING))
        || !ts.peek(2).is(TokenKind.COLON)) {
      return false;
    }
    if (NESTED_WRITES.contains(first.value())) {
      return true;
    }
    Token value = ts.peek(3);
    boolean rows =
        value.is(TokenKind.LBRACE)
            || (value.is(TokenKind.LBRACKET) && ts.peek(4).is(TokenKind.LBRACE));
    String hint = Suggestions.didYouMean(first.value(), NESTED_WRITES);
    if (rows && !hint.isEmpty() && !declares(target, first.value())) {
      throw TokenStream.error(first, unknownNestedWrite(first.value()));
    }
    return false;
  }

  /** Whether the schema says {@code entity} has a field or a relation named {@code name}. */
  private boolean declares(String entity, String name) {
    if (schema == null || entity.isEmpty()) {
      return false;
    }
    return schema.relation(entity, name).isPresent()
        || schema.entity(entity).flatMap(e -> e.field(name)).isPresent();
  }

  private static String unknownNestedWrite(String word) {
    String hint = Suggestions.didYouMean(word, NESTED_WRITES);
    return "unknown nested write '"
        + word
        + "'"
        + (hint.isEmpty() ? "; use create, connect, disconnect, update or delete" : hint);
  }

  /** {@code { create: ..., connect: ..., disconnect: ..., update: ..., delete: ... }}. */
  private Mutation.NestedWrite nestedWrites(Ctx ctx, String relation, String target) {
    Token open = ts.expect(TokenKind.LBRACE);
    enterObject(open);
    List<Mutation.Insert> create = new ArrayList<>();
    List<Map<String, Expr>> connect = new ArrayList<>();
    List<Map<String, Expr>> disconnect = new ArrayList<>();
    List<Mutation.NestedUpdate> update = new ArrayList<>();
    List<Map<String, Expr>> delete = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    while (!ts.at(TokenKind.RBRACE)) {
      Token op = ts.peek();
      if (!(op.is(TokenKind.IDENT) || op.is(TokenKind.STRING))) {
        throw ts.unexpected("create, connect, disconnect, update, delete or '}'");
      }
      ts.next();
      if (!NESTED_WRITES.contains(op.value())) {
        throw TokenStream.error(op, unknownNestedWrite(op.value()));
      }
      if (!seen.add(op.value())) {
        throw TokenStream.error(op, "'" + op.value() + "' is given twice");
      }
      if (ctx == Ctx.CREATE && !op.value().equals("create") && !op.value().equals("connect")) {
        throw TokenStream.error(
            op,
            op.value()
                + " is not available in create(...): a new row has no related rows yet; use"
                + " create or connect");
      }
      ts.expect(TokenKind.COLON);
      switch (op.value()) {
        case "create":
          if (!ts.at(TokenKind.LBRACE) && !ts.at(TokenKind.LBRACKET)) {
            throw ts.unexpected("a row or a list of rows");
          }
          for (Row row : rows(target)) {
            create.add(row.insert(""));
          }
          break;
        case "connect":
          connect.addAll(keys(target, false));
          break;
        case "disconnect":
          disconnect.addAll(keys(target, true));
          break;
        case "update":
          update.addAll(nestedUpdates(target));
          break;
        default:
          delete.addAll(keys(target, true));
          break;
      }
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    ts.expect(TokenKind.RBRACE);
    objectDepth--;
    return new Mutation.NestedWrite(relation, create, connect, disconnect, update, delete);
  }

  /**
   * {@code {key}} or {@code [{key}, ...]}: keys of rows of {@code target}; with {@code connected},
   * also {@code true}: the row connected through a to-one relation (an empty key).
   */
  private List<Map<String, Expr>> keys(String target, boolean connected) {
    List<Map<String, Expr>> out = new ArrayList<>();
    if (connected && ts.atKeyword("true")) {
      ts.next();
      out.add(Map.of());
      return out;
    }
    if (ts.at(TokenKind.LBRACE)) {
      out.add(key(target));
      return out;
    }
    if (!ts.at(TokenKind.LBRACKET)) {
      throw ts.unexpected(
          connected ? "a key, a list of keys or true" : "a key {...} or a list of keys");
    }
    ts.next();
    while (!ts.at(TokenKind.RBRACKET)) {
      if (!ts.at(TokenKind.LBRACE)) {
        throw ts.unexpected("'{' (a list of keys holds only objects)");
      }
      out.add(key(target));
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    ts.expect(TokenKind.RBRACKET);
    return out;
  }

  /** {@code { field: value, ... }}: the identity, or all fields of a unique constraint. */
  private Map<String, Expr> key(String target) {
    Token open = ts.peek();
    Map<String, Expr> k = object(Ctx.KEY, target).all();
    if (k.isEmpty()) {
      throw TokenStream.error(
          open, "a key needs a value: the identity, or all fields of a unique constraint");
    }
    return k;
  }

  /** {@code { where: {key}, set: {...} }} or a list of them. */
  private List<Mutation.NestedUpdate> nestedUpdates(String target) {
    List<Mutation.NestedUpdate> out = new ArrayList<>();
    if (ts.at(TokenKind.LBRACE)) {
      out.add(nestedUpdate(target));
      return out;
    }
    if (!ts.at(TokenKind.LBRACKET)) {
      throw ts.unexpected("{ where: {...}, set: {...} } or a list of them");
    }
    ts.next();
    while (!ts.at(TokenKind.RBRACKET)) {
      if (!ts.at(TokenKind.LBRACE)) {
        throw ts.unexpected("'{' (a list of updates holds { where: {...}, set: {...} } objects)");
      }
      out.add(nestedUpdate(target));
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    ts.expect(TokenKind.RBRACKET);
    return out;
  }

  private Mutation.NestedUpdate nestedUpdate(String target) {
    Token open = ts.expect(TokenKind.LBRACE);
    enterObject(open);
    Map<String, Expr> where = Map.of();
    Row set = null;
    Set<String> seen = new HashSet<>();
    while (!ts.at(TokenKind.RBRACE)) {
      Token k = ts.expectName("where, set or '}'");
      if (!k.value().equals("where") && !k.value().equals("set")) {
        throw TokenStream.error(
            k,
            "unknown part '"
                + k.value()
                + "' of a nested update"
                + Suggestions.didYouMean(k.value(), List.of("where", "set"))
                + "; write { where: {...}, set: {...} }");
      }
      if (!seen.add(k.value())) {
        throw TokenStream.error(k, "'" + k.value() + "' is given twice");
      }
      ts.expect(TokenKind.COLON);
      if (k.value().equals("where")) {
        where = key(target);
      } else {
        set = object(Ctx.UPDATE, target);
      }
      if (!ts.accept(TokenKind.COMMA)) {
        break;
      }
    }
    if (set == null) {
      throw TokenStream.error(open, "a nested update needs set: {...} with the new values");
    }
    ts.expect(TokenKind.RBRACE);
    objectDepth--;
    return new Mutation.NestedUpdate(where, set.all(), set.writes);
  }

  // ---- values of writes ----

  /**
   * A value written in {@code ctx} to a row of {@code entity}: a literal, or arithmetic ({@code + -
   * * /}, parentheses) over literals, fields of the row (where {@code ctx} reads it) and fields of
   * rows named earlier in the batch ({@code ann.id}).
   */
  private Expr value(Ctx ctx, String entity) {
    return sum(ctx, entity, 0);
  }

  private Expr sum(Ctx ctx, String entity, int depth) {
    Expr left = product(ctx, entity, depth);
    while (ts.at(TokenKind.PLUS) || ts.at(TokenKind.MINUS)) {
      Expr.Op op = ts.next().is(TokenKind.PLUS) ? Expr.Op.ADD : Expr.Op.SUB;
      left = new Expr.Arith(op, left, product(ctx, entity, depth));
    }
    return left;
  }

  private Expr product(Ctx ctx, String entity, int depth) {
    Expr left = operand(ctx, entity, depth);
    while (ts.at(TokenKind.STAR) || ts.at(TokenKind.SLASH)) {
      Expr.Op op = ts.next().is(TokenKind.STAR) ? Expr.Op.MUL : Expr.Op.DIV;
      left = new Expr.Arith(op, left, operand(ctx, entity, depth));
    }
    return left;
  }

  private static final List<String> LITERAL_WORDS =
      List.of("true", "false", "null", "NaN", "Infinity");

  private Expr operand(Ctx ctx, String entity, int depth) {
    Token t = ts.peek();
    if (t.is(TokenKind.LPAREN)) {
      if (depth + 1 > Nesting.MAX_LEVELS) {
        throw TokenStream.error(t, Nesting.tooDeep("expression"));
      }
      ts.next();
      Expr e = sum(ctx, entity, depth + 1);
      ts.expect(TokenKind.RPAREN);
      return e;
    }
    if (t.is(TokenKind.IDENT) && (t.quoted() || !LITERAL_WORDS.contains(t.text()))) {
      if (ts.peek(1).is(TokenKind.DOT)) {
        return reference();
      }
      return field(ctx, entity);
    }
    return new Expr.Literal(new ExpressionParser(ts).literal());
  }

  /** {@code name.field}: a field of the row named {@code name} earlier in the batch. */
  private Expr reference() {
    Token name = ts.next();
    ts.expect(TokenKind.DOT);
    Token field = ts.expectName("a field name after '.'");
    Named named = names == null ? null : names.get(name.value());
    if (named == null) {
      throw TokenStream.error(name, unknownName(name));
    }
    if (schema != null) {
      EntityDef e = schema.entity(named.entity()).orElse(null);
      if (e != null && e.field(field.value()).isEmpty()) {
        throw TokenStream.error(field, e.unknownField(field.value()));
      }
    }
    return new Expr.Ref(name.value(), field.value());
  }

  /** Why {@code name} names no row here: outside a batch, named later, or not at all. */
  private String unknownName(Token name) {
    if (names == null) {
      return "unknown row '"
          + name.value()
          + "': a write refers only to rows named with let earlier in the same batch { ... }";
    }
    for (int i = 0; ts.peek(i).kind() != TokenKind.EOF; i++) {
      Token t = ts.peek(i);
      if (t.isKeyword("let") && ts.peek(i + 1).value().equals(name.value())) {
        if (ts.peek(i + 2).is(TokenKind.ASSIGN)) {
          return "'"
              + name.value()
              + "' names a row of a later write (line "
              + ts.peek(i + 1).line()
              + ":"
              + ts.peek(i + 1).column()
              + "); a write refers only to rows named before it";
        }
      }
    }
    return "unknown row '"
        + name.value()
        + "': no earlier write of this batch is named so"
        + Suggestions.didYouMean(name.value(), names.keySet());
  }

  /** A bare name: the current value of a field of the row being updated. */
  private Expr field(Ctx ctx, String entity) {
    Token t = ts.peek();
    if (names != null && names.containsKey(t.value())) {
      throw TokenStream.error(
          t,
          "'"
              + t.value()
              + "' names a row; write the field you want of it, as in "
              + t.value()
              + ".id");
    }
    if (!ctx.readsRow) {
      // as a literal would: a bare word is most likely text without its quotes
      new ExpressionParser(ts).literal();
    }
    ts.next();
    if (schema != null && !entity.isEmpty()) {
      EntityDef e = schema.entity(entity).orElse(null);
      if (e != null && e.field(t.value()).isEmpty()) {
        String hint =
            Suggestions.didYouMean(t.value(), e.fields().stream().map(FieldDef::name).toList());
        throw TokenStream.error(
            t,
            e.unknownField(t.value())
                + (hint.isEmpty() ? " (write a string in quotes: \"" + t.value() + "\")" : ""));
      }
    }
    return new Expr.Field(t.value());
  }

  private Map<String, Value> values(Ctx ctx, String what) {
    Token open = ts.peek();
    Row row = object(ctx, "");
    if (!row.exprs.isEmpty()) {
      throw TokenStream.error(open, what + " holds values, not computed ones");
    }
    return row.data;
  }

  /** {@code id: <value>} or just {@code <value>}: the identity of one row. */
  private Value identity() {
    if (ts.peek().isKeyword("id") && ts.peek(1).is(TokenKind.COLON)) {
      ts.next();
      ts.next();
    }
    Token at = ts.peek();
    Value v = new ExpressionParser(ts).literal();
    if (v.isNull() || v instanceof Value.Array) {
      throw TokenStream.error(at, "expected the row's identity value but found " + at.describe());
    }
    return v;
  }

  private long version() {
    if (!ts.at(TokenKind.INTEGER)) {
      throw ts.unexpected("a row version");
    }
    Token t = ts.next();
    try {
      long v = Long.parseLong(t.text());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw TokenStream.error(t, "expectVersion needs a version from 1 to " + Long.MAX_VALUE);
  }

  private Statement update(String entity, Token method) {
    ts.expect(TokenKind.LPAREN);
    Value id = identity();
    ts.expect(TokenKind.RPAREN);
    Chain chain = new Chain("update", List.of("set", "expectVersion"));
    Row data = null;
    long version = 0;
    String m;
    while ((m = chain.next()) != null) {
      if (m.equals("set")) {
        data = object(Ctx.UPDATE, entity);
      } else {
        version = version();
      }
      ts.expect(TokenKind.RPAREN);
    }
    if (data == null) {
      throw TokenStream.error(method, "update(...) needs a set({...}) with the new values");
    }
    return write(new Mutation.Update(entity, id, data.data, version, data.exprs, data.writes));
  }

  private Statement updateMany(String entity, Token method) {
    ts.expect(TokenKind.LPAREN);
    ts.expect(TokenKind.RPAREN);
    Chain chain = new Chain("updateMany", List.of("where", "set"));
    Filter filter = null;
    Row data = null;
    String m;
    while ((m = chain.next()) != null) {
      if (m.equals("where")) {
        filter = expression();
      } else {
        data = object(Ctx.SET, entity);
      }
      ts.expect(TokenKind.RPAREN);
    }
    if (filter == null) {
      throw TokenStream.error(
          method, "updateMany() needs a where(...); write where(true) to update every row");
    }
    if (data == null) {
      throw TokenStream.error(method, "updateMany() needs a set({...}) with the new values");
    }
    return write(new Mutation.UpdateMany(entity, filter, data.data, data.exprs));
  }

  private Statement delete(String entity) {
    ts.expect(TokenKind.LPAREN);
    Value id = identity();
    ts.expect(TokenKind.RPAREN);
    Chain chain = new Chain("delete", List.of("expectVersion"));
    long version = 0;
    while (chain.next() != null) {
      version = version();
      ts.expect(TokenKind.RPAREN);
    }
    return write(new Mutation.Delete(entity, id, version));
  }

  private Statement deleteMany(String entity, Token method) {
    ts.expect(TokenKind.LPAREN);
    ts.expect(TokenKind.RPAREN);
    Chain chain = new Chain("deleteMany", List.of("where"));
    Filter filter = null;
    while (chain.next() != null) {
      filter = expression();
      ts.expect(TokenKind.RPAREN);
    }
    if (filter == null) {
      throw TokenStream.error(
          method, "deleteMany() needs a where(...); write where(true) to delete every row");
    }
    return write(new Mutation.DeleteMany(entity, filter));
  }

  private Statement upsert(String entity) {
    ts.expect(TokenKind.LPAREN);
    Token label = ts.peek();
    if (!label.isKeyword("key")) {
      throw ts.unexpected("'key: {...}'");
    }
    ts.next();
    ts.expect(TokenKind.COLON);
    Token keyTok = ts.peek();
    Map<String, Value> key = values(Ctx.KEY, "the upsert key");
    if (key.isEmpty()) {
      throw TokenStream.error(keyTok, "the upsert key needs at least one field");
    }
    ts.expect(TokenKind.RPAREN);
    Chain chain = new Chain("upsert", List.of("set", "create"));
    Row data = new Row();
    Map<String, Expr> create = null;
    Token setTok = null;
    String m;
    while ((m = chain.next()) != null) {
      if (m.equals("set")) {
        setTok = ts.peek();
        data = object(Ctx.SET, entity);
      } else {
        create = object(Ctx.KEY, entity).all();
      }
      ts.expect(TokenKind.RPAREN);
    }
    if (create == null) {
      for (Map.Entry<String, Expr> e : data.exprs.entrySet()) {
        if (e.getValue().readsRow()) {
          throw TokenStream.error(
              setTok,
              "set "
                  + e.getKey()
                  + ": "
                  + e.getValue().render()
                  + " reads the row, which a new row does not have yet: give the new row's"
                  + " values in .create({...})");
        }
      }
    }
    return write(new Mutation.Upsert(entity, key, data.data, data.exprs, create, null));
  }
}
