/** Response schemas the geo service contributes to the OpenAPI document (§17.20). */
const uuid = { type: "string", format: "uuid" };

const object = (properties: Record<string, object>) => ({
	type: "object",
	required: Object.keys(properties),
	properties,
});

export const geoComponents = {
	Country: object({
		id: uuid,
		name: { type: "string", description: "English name.", example: "Spain" },
		name_es: { type: "string", example: "España" },
		alpha_2: { type: "string", pattern: "^[A-Z]{2}$", example: "ES" },
		alpha_3: { type: "string", pattern: "^[A-Z]{3}$", example: "ESP" },
	}),
	Province: object({
		id: uuid,
		country_id: uuid,
		name: { type: "string", description: "INE's official name.", example: "Madrid" },
		code_iso_3166_2: { type: "string", example: "ES-M" },
		ine_code_pro: { type: "string", pattern: "^[0-9]{2}$", example: "28" },
	}),
	City: object({
		id: uuid,
		country_id: uuid,
		province_id: uuid,
		name: {
			type: "string",
			description: 'INE\'s official name, e.g. "Coruña, A" or "Alacant/Alicante".',
			example: "Madrid",
		},
		ine_code: {
			type: "string",
			pattern: "^[0-9]{5}$",
			description: "INE municipality code: province (CPRO) and municipality (CMUN).",
			example: "28079",
		},
		ine_code_mun: { type: "string", pattern: "^[0-9]{3}$", example: "079" },
	}),
};
