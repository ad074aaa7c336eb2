// A candidate's load of the sales in mongosh alone, as one writes it without Python: Node's fs
// reads ventes.csv (`;`, quoted comments, dd/mm/yyyy dates, decimal commas, empty cells), each
// line becomes a document of typed fields, empty cells left out, and insertMany loads them
// into a collection created with a $jsonSchema validator; then the index of the search by
// product, and the saved commands. Run by tests/e2e/mongodb.rs as
// `mongosh URI --file mongosh_ventes.js` with DATA (the workspace's data/ folder) and ANSWERS.
const fs = require('fs');
const data = process.env.DATA;
const answers = process.env.ANSWERS;

// The fields of one CSV line: `;` between them, `"` around a field that holds one, `""` for a
// quote inside it.
function fields(line) {
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') { quoted = false; }
      else { field += c; }
    } else if (c === '"') { quoted = true; }
    else if (c === ';') { out.push(field); field = ''; }
    else { field += c; }
  }
  out.push(field);
  return out;
}

const lines = fs.readFileSync(`${data}/ventes.csv`, 'utf8').split(/\r?\n/).filter(l => l !== '');
const header = fields(lines[0]);
const decimal = text => NumberDecimal(text.replace(',', '.'));
const typed = {
  id_vente: text => NumberInt(text),
  date_vente: text => {
    const [d, m, y] = text.split('/').map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  },
  quantite: text => NumberInt(text),
  prix_unitaire: decimal,
  remise_pct: decimal,
  montant_ttc: decimal,
  carte_fidelite: text => text === 'oui',
};
const documents = lines.slice(1).map(line => {
  const document = {};
  fields(line).forEach((text, i) => {
    if (text === '') return;
    const name = header[i];
    document[name] = typed[name] ? typed[name](text) : text;
  });
  return document;
});

// A string's maxLength: its longest value, as the statement asks.
const longest = name => Math.max(...documents.map(d => (d[name] || '').length));
const string = name => ({ bsonType: 'string', maxLength: longest(name) });
db.createCollection('ventes', {
  validator: {
    $jsonSchema: {
      bsonType: 'object',
      properties: {
        id_vente: { bsonType: 'int' }, date_vente: { bsonType: 'date' },
        code_magasin: string('code_magasin'), sku: string('sku'), quantite: { bsonType: 'int' },
        prix_unitaire: { bsonType: 'decimal' }, remise_pct: { bsonType: 'decimal' },
        montant_ttc: { bsonType: 'decimal' }, carte_fidelite: { bsonType: 'bool' },
        mode_paiement: string('mode_paiement'), commentaire: string('commentaire'),
      },
    },
  },
});
const inserted = db.ventes.insertMany(documents);
db.ventes.createIndex({ sku: 1 });

fs.writeFileSync(`${answers}/bases.json`, 'show dbs\n');
fs.writeFileSync(`${answers}/apercu_ventes.json`, JSON.stringify({ find: 'ventes', limit: 10 }));
print(Object.keys(inserted.insertedIds).length);
